package io.molesignal.core.internal.vrl;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** A builtin function: its parameters, static return type and fallibility, and its implementation. */
final class Builtin {
    /** One parameter: name, accepted kinds, whether required, default (used when absent). */
    record Param(String name, int kinds, boolean required, @Nullable Object defaultValue) {
        static Param req(String name, int kinds) {
            return new Param(name, kinds, true, null);
        }

        static Param opt(String name, int kinds, @Nullable Object defaultValue) {
            return new Param(name, kinds, false, defaultValue);
        }
    }

    @FunctionalInterface
    interface Impl {
        @Nullable Object call(Frame f, @Nullable Object[] args, Call site);
    }

    /** Compile-time hook: validates arguments and may attach precomputed state to the call site. */
    @FunctionalInterface
    interface Prepare {
        void prepare(Call site);
    }

    final String name;
    final List<Param> params;
    final int returnType;
    /** Fails on some inputs of accepted types (parse errors, cipher errors…). */
    final boolean inherentlyFallible;
    final Impl impl;
    final @Nullable Prepare prepare;

    Builtin(String name, List<Param> params, int returnType, boolean inherentlyFallible, Impl impl,
            @Nullable Prepare prepare) {
        this.name = name;
        this.params = params;
        this.returnType = returnType;
        this.inherentlyFallible = inherentlyFallible;
        this.impl = impl;
        this.prepare = prepare;
    }

    int paramIndex(String paramName) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(paramName)) {
                return i;
            }
        }
        return -1;
    }

    /** A call of a builtin with arguments bound to parameters (null for absent optional ones). */
    static final class Call extends Node {
        final Builtin fn;
        final @Nullable Node[] args;
        final boolean bang;
        /** Per-site state computed at compile time (compiled filters, the default field…). */
        @Nullable Object prepared;
        private boolean fallible;

        Call(int line, int column, Builtin fn, @Nullable Node[] args, boolean bang) {
            super(line, column);
            this.fn = fn;
            this.args = args;
            this.bang = bang;
            this.type = fn.returnType;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                Node a = args[i];
                values[i] = a == null ? fn.params.get(i).defaultValue() : a.eval(f);
            }
            try {
                return fn.impl.call(f, values, this);
            } catch (VrlFailure e) {
                if (!e.catchable()) {
                    throw e;
                }
                java.util.function.Supplier<String> message = () -> "function call error for \"" + fn.name
                        + "\" at (" + line + ":" + column + "): " + e.getMessage();
                throw bang ? VrlFailure.fatal(message) : VrlFailure.error(message);
            }
        }

        @Override
        void check(Checker c) {
            for (Node a : args) {
                if (a != null) {
                    a.check(c);
                }
            }
            unhandled = firstUnhandled(args);
            fallible = fn.inherentlyFallible;
            for (int i = 0; i < args.length; i++) {
                Node a = args[i];
                if (a != null && (a.type & ~fn.params.get(i).kinds()) != 0) {
                    fallible = true;
                }
            }
            if (fn.prepare != null) {
                fn.prepare.prepare(this);
            }
            if (unhandled == null && fallible && !bang) {
                unhandled = this;
            }
        }

        /** Lets a prepare hook decide fallibility after a closer look at its arguments. */
        void fallible(boolean value) {
            fallible = value;
        }

        @Override
        boolean fresh() {
            return true;
        }

        @Override
        String describeFailure() {
            if (fn.inherentlyFallible) {
                return "call to \"" + fn.name + "\" can fail";
            }
            for (int i = 0; i < args.length; i++) {
                Node a = args[i];
                if (a != null && (a.type & ~fn.params.get(i).kinds()) != 0) {
                    return "call to \"" + fn.name + "\" can fail: argument '" + fn.params.get(i).name()
                            + "' must be " + Values.typeName(fn.params.get(i).kinds()) + " but is "
                            + Values.typeName(a.type);
                }
            }
            return "call to \"" + fn.name + "\" can fail";
        }

        /** The constant value of argument {@code i}, evaluated at compile time, or {@code absent}. */
        @Nullable Object constantArg(int i, @Nullable Object absent) {
            Node a = args[i];
            if (a == null) {
                return absent;
            }
            if (!a.constant()) {
                throw Checker.error(a, "argument '" + fn.params.get(i).name() + "' of " + fn.name
                        + " must be a literal");
            }
            return a.eval(Builtins.constantFrame());
        }
    }
}
