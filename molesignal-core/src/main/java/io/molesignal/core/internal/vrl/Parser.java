package io.molesignal.core.internal.vrl;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.molesignal.core.MoleSignalException;
import io.molesignal.core.internal.vrl.Token.Kind;

/**
 * A Pratt parser for the VRL subset. Precedence, lowest first (VRL's grammar, {@code parser.lalrpop} upstream):
 * {@code ??}; {@code ||} and {@code &&} (one level, left-associative); {@code == !=}; {@code < <= > >=};
 * {@code + -}; {@code * /}; unary {@code !} and {@code -}.
 */
final class Parser {
    private static final int MAX_DEPTH = 64;

    private final List<Token> tokens;
    private final int maxNodes;
    private int pos;
    private int depth;
    private int nodes;

    private Parser(List<Token> tokens, int maxNodes) {
        this.tokens = tokens;
        this.maxNodes = maxNodes;
    }

    /** Parses and checks a program. @throws MoleSignalException VRL_COMPILE with line and column */
    static Compiled compile(String source, int maxNodes) {
        Parser p = new Parser(Lexer.lex(source), maxNodes);
        Node.Block root = p.program();
        Checker c = new Checker();
        root.check(c);
        return new Compiled(root, c.localCount());
    }

    /** A checked program: its statements and the number of local slots. */
    record Compiled(Node.Block root, int localCount) {
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.EOF) {
            pos++;
        }
        return t;
    }

    private boolean at(Kind k) {
        return peek().kind() == k;
    }

    private Token expect(Kind k, String what) {
        if (!at(k)) {
            throw unexpected(peek(), "expected " + what);
        }
        return next();
    }

    private void skipNewlines() {
        while (at(Kind.NEWLINE)) {
            next();
        }
    }

    private static MoleSignalException unexpected(Token t, String expectation) {
        String found = switch (t.kind()) {
            case EOF -> "end of program";
            case NEWLINE -> "end of line";
            case STRING -> "a string";
            case IDENT -> "'" + t.text() + "'";
            default -> "'" + (t.text().length() > 20 ? t.text().substring(0, 20) : t.text()) + "'";
        };
        return Lexer.error(expectation + ", found " + found, t.line(), t.column());
    }

    private <T extends Node> T count(T n) {
        if (++nodes > maxNodes) {
            throw Lexer.error("the program has more than " + maxNodes + " expressions", n.line, n.column);
        }
        return n;
    }

    // --------------------------------------------------------------------------------------------- statements

    private Node.Block program() {
        List<Node> stmts = statements(Kind.EOF);
        return new Node.Block(1, 1, stmts);
    }

    private List<Node> statements(Kind end) {
        List<Node> out = new ArrayList<>();
        while (true) {
            while (at(Kind.NEWLINE) || at(Kind.SEMI)) {
                next();
            }
            if (at(end) || at(Kind.EOF)) {
                return out;
            }
            out.add(statement());
            if (!at(Kind.NEWLINE) && !at(Kind.SEMI) && !at(end) && !at(Kind.EOF)) {
                throw unexpected(peek(), "expected a new line or ';' after the expression");
            }
        }
    }

    private Node statement() {
        Token start = peek();
        Node e = expression(0);
        if (at(Kind.ASSIGN)) {
            next();
            skipNewlines();
            Node value = expression(0);
            return count(new Node.Assign(start.line(), start.column(), target(e), value));
        }
        if (at(Kind.COMMA) && (e instanceof Node.Var || e instanceof Node.EventPath)) {
            next();
            Node second = expression(0);
            expect(Kind.ASSIGN, "'=' after the two assignment targets");
            skipNewlines();
            Node value = expression(0);
            return count(new Node.AssignTwo(start.line(), start.column(), target(e), target(second), value));
        }
        return e;
    }

    private static Node target(Node e) {
        if (e instanceof Node.Var v) {
            return v.name.equals("_") && v.segs.length == 0 ? new Node.Discard(v.line, v.column) : v;
        }
        if (e instanceof Node.EventPath) {
            return e;
        }
        throw Lexer.error("invalid assignment target: only event paths and variables can be assigned", e.line,
                e.column);
    }

    // -------------------------------------------------------------------------------------------- expressions

    private static int infixPower(Kind k) {
        return switch (k) {
            case COALESCE -> 1;
            case OR, AND -> 2;
            case EQ, NE -> 3;
            case LT, LE, GT, GE -> 4;
            case PLUS, MINUS -> 5;
            case STAR, SLASH -> 6;
            default -> -1;
        };
    }

    private Node expression(int minPower) {
        if (++depth > MAX_DEPTH) {
            Token t = peek();
            throw Lexer.error("the program is nested more than " + MAX_DEPTH + " levels deep", t.line(), t.column());
        }
        try {
            Node left = prefix();
            while (true) {
                Token op = peek();
                int power = infixPower(op.kind());
                if (power <= minPower) {
                    return left;
                }
                next();
                skipNewlines();
                Node right = expression(power);
                left = count(switch (op.kind()) {
                    case COALESCE -> new Node.Coalesce(op.line(), op.column(), left, right);
                    case OR -> new Node.Or(op.line(), op.column(), left, right);
                    case AND -> new Node.And(op.line(), op.column(), left, right);
                    default -> new Node.Binary(op.line(), op.column(), binaryOp(op.kind()), left, right);
                });
            }
        } finally {
            depth--;
        }
    }

    private static Node.Op binaryOp(Kind k) {
        return switch (k) {
            case EQ -> Node.Op.EQ;
            case NE -> Node.Op.NE;
            case LT -> Node.Op.LT;
            case LE -> Node.Op.LE;
            case GT -> Node.Op.GT;
            case GE -> Node.Op.GE;
            case PLUS -> Node.Op.ADD;
            case MINUS -> Node.Op.SUB;
            case STAR -> Node.Op.MUL;
            default -> Node.Op.DIV;
        };
    }

    private Node prefix() {
        Token t = next();
        int l = t.line();
        int c = t.column();
        switch (t.kind()) {
            case INT -> {
                return count(new Node.Literal(l, c, parseInt(t, false)));
            }
            case FLOAT -> {
                return count(new Node.Literal(l, c, Double.parseDouble(t.text())));
            }
            case STRING, RAW_STRING -> {
                return postfix(count(new Node.Literal(l, c, t.text())));
            }
            case REGEX -> {
                return count(new Node.Literal(l, c, regex(t)));
            }
            case TIMESTAMP -> {
                try {
                    return count(new Node.Literal(l, c, OffsetDateTime.parse(t.text()).toInstant()));
                } catch (DateTimeParseException e) {
                    throw Lexer.error("invalid timestamp literal (expected RFC 3339)", l, c);
                }
            }
            case BANG -> {
                return count(new Node.Not(l, c, expression(6)));
            }
            case MINUS -> {
                if ((at(Kind.INT) || at(Kind.FLOAT)) && !peek().spaceBefore()) {
                    Token n = next();
                    return count(new Node.Literal(l, c, n.kind() == Kind.INT ? (Object) parseInt(n, true)
                            : (Object) (-Double.parseDouble(n.text()))));
                }
                return count(new Node.Neg(l, c, expression(6)));
            }
            case LPAREN -> {
                skipNewlines();
                Node inner = expression(0);
                skipNewlines();
                expect(Kind.RPAREN, "')'");
                return postfix(inner);
            }
            case LBRACKET -> {
                return postfix(arrayLiteral(t));
            }
            case LBRACE -> {
                return postfix(objectLiteral(t));
            }
            case FIELD -> {
                List<Object> segs = new ArrayList<>();
                segs.add(t.text());
                segments(segs);
                return count(new Node.EventPath(l, c, segs.toArray()));
            }
            case DOT -> {
                List<Object> segs = new ArrayList<>();
                if (at(Kind.STRING) && !peek().spaceBefore()) {
                    segs.add(next().text());
                }
                segments(segs);
                if (!segs.isEmpty() && segs.get(0) instanceof Integer) {
                    throw Lexer.error("the event root is an object: a path can't start with an index", l, c);
                }
                return count(new Node.EventPath(l, c, segs.toArray()));
            }
            case PERCENT -> throw Lexer.error("metadata paths (%) are not supported", l, c);
            case BANG_CALL -> {
                return postfix(call(t, true));
            }
            case IDENT -> {
                switch (t.text()) {
                    case "true" -> {
                        return count(new Node.Literal(l, c, Boolean.TRUE));
                    }
                    case "false" -> {
                        return count(new Node.Literal(l, c, Boolean.FALSE));
                    }
                    case "null" -> {
                        return count(new Node.Literal(l, c, null));
                    }
                    case "if" -> {
                        return ifExpression(t);
                    }
                    case "abort" -> {
                        return count(new Node.Abort(l, c));
                    }
                    case "else" -> throw Lexer.error("'else' without 'if'", l, c);
                    case "return", "for_each", "while", "loop", "for" ->
                            throw Lexer.error("'" + t.text() + "' is not supported", l, c);
                    default -> {
                        if (at(Kind.LPAREN) && !peek().spaceBefore()) {
                            return postfix(call(t, false));
                        }
                        List<Object> segs = new ArrayList<>();
                        segments(segs);
                        return count(new Node.Var(l, c, t.text(), segs.toArray()));
                    }
                }
            }
            default -> throw unexpected(t, "expected an expression");
        }
    }

    private long parseInt(Token t, boolean negative) {
        try {
            return Long.parseLong(negative ? "-" + t.text() : t.text());
        } catch (NumberFormatException e) {
            throw Lexer.error("integer literal out of range", t.line(), t.column());
        }
    }

    private static Pattern regex(Token t) {
        try {
            // Rust's (?P<name>…) is Java's (?<name>…); the rest of the common syntax is shared
            return Pattern.compile(t.text().replace("(?P<", "(?<"));
        } catch (PatternSyntaxException e) {
            throw Lexer.error("invalid regex literal", t.line(), t.column());
        }
    }

    /** Reads path segments that follow without whitespace: {@code .a}, {@code ."b c"}, {@code [0]}, {@code [-1]}. */
    private void segments(List<Object> segs) {
        while (!peek().spaceBefore()) {
            Token t = peek();
            if (t.kind() == Kind.FIELD) {
                next();
                segs.add(t.text());
            } else if (t.kind() == Kind.DOT && peekAt(1).kind() == Kind.STRING && !peekAt(1).spaceBefore()) {
                next();
                segs.add(next().text());
            } else if (t.kind() == Kind.LBRACKET) {
                next();
                boolean negative = at(Kind.MINUS);
                if (negative) {
                    next();
                }
                Token n = peek();
                if (n.kind() != Kind.INT) {
                    throw unexpected(n, "expected an integer index (dynamic indices are not supported)");
                }
                next();
                long idx = parseInt(n, negative);
                if (idx > Integer.MAX_VALUE || idx < Integer.MIN_VALUE) {
                    throw Lexer.error("index out of range", n.line(), n.column());
                }
                segs.add((int) idx);
                expect(Kind.RBRACKET, "']'");
            } else {
                return;
            }
        }
    }

    /** A query on the value of an expression: {@code parse_json!(.m).a}, {@code {"a": 1}.a}. */
    private Node postfix(Node base) {
        List<Object> segs = new ArrayList<>();
        segments(segs);
        return segs.isEmpty() ? base : count(new Node.Query(base.line, base.column, base, segs.toArray()));
    }

    private Node arrayLiteral(Token open) {
        List<Node> items = new ArrayList<>();
        skipNewlines();
        while (!at(Kind.RBRACKET)) {
            items.add(expression(0));
            skipNewlines();
            if (!at(Kind.RBRACKET)) {
                expect(Kind.COMMA, "',' or ']'");
                skipNewlines();
            }
        }
        next();
        return count(new Node.ArrayLit(open.line(), open.column(), items));
    }

    private Node objectLiteral(Token open) {
        List<String> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        skipNewlines();
        while (!at(Kind.RBRACE)) {
            Token key = peek();
            if (key.kind() != Kind.STRING && key.kind() != Kind.RAW_STRING) {
                throw unexpected(key, "expected a string key in the object literal");
            }
            next();
            expect(Kind.COLON, "':' after the key");
            skipNewlines();
            Node value = expression(0);
            if (seen.add(key.text())) {
                keys.add(key.text());
                values.add(value);
            } else {
                values.set(keys.indexOf(key.text()), value);
            }
            skipNewlines();
            if (!at(Kind.RBRACE)) {
                expect(Kind.COMMA, "',' or '}'");
                skipNewlines();
            }
        }
        next();
        return count(new Node.ObjectLit(open.line(), open.column(), keys, values));
    }

    private Node.Block block() {
        Token open = expect(Kind.LBRACE, "'{'");
        List<Node> stmts = statements(Kind.RBRACE);
        expect(Kind.RBRACE, "'}'");
        return count(new Node.Block(open.line(), open.column(), stmts));
    }

    private Node ifExpression(Token start) {
        List<Node> predicates = new ArrayList<>();
        List<Node.Block> blocks = new ArrayList<>();
        Node.Block otherwise = null;
        predicates.add(expression(0));
        blocks.add(block());
        while (at(Kind.IDENT) && peek().text().equals("else")) {
            next();
            if (at(Kind.IDENT) && peek().text().equals("if")) {
                next();
                predicates.add(expression(0));
                blocks.add(block());
            } else {
                otherwise = block();
                break;
            }
        }
        return count(new Node.If(start.line(), start.column(), predicates, blocks, otherwise));
    }

    // ----------------------------------------------------------------------------------------------------- calls

    private Node call(Token name, boolean bang) {
        int l = name.line();
        int c = name.column();
        if (!bang) {
            next(); // '('
        } else {
            expect(Kind.LPAREN, "'('");
        }
        List<Node> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Node> named = new ArrayList<>();
        skipNewlines();
        while (!at(Kind.RPAREN)) {
            if (at(Kind.IDENT) && peekAt(1).kind() == Kind.COLON) {
                Token n = next();
                next();
                skipNewlines();
                if (names.contains(n.text())) {
                    throw Lexer.error("argument '" + n.text() + "' given twice", n.line(), n.column());
                }
                names.add(n.text());
                named.add(expression(0));
            } else {
                if (!names.isEmpty()) {
                    throw unexpected(peek(), "expected a named argument (positional ones come first)");
                }
                positional.add(expression(0));
            }
            skipNewlines();
            if (!at(Kind.RPAREN)) {
                expect(Kind.COMMA, "',' or ')'");
                skipNewlines();
            }
        }
        next();
        String fn = name.text();
        String refused = Builtins.REFUSED.get(fn);
        if (refused != null) {
            throw Lexer.error(refused, l, c);
        }
        if ((fn.equals("encrypt") || fn.equals("decrypt")) && (positional.size() >= 4
                || names.contains("algorithm") || names.contains("iv") || names.contains("key"))) {
            throw Lexer.error(Builtins.RAW_KEY_REFUSAL, l, c);
        }
        if (fn.equals("del") || fn.equals("exists")) {
            return pathCall(name, fn, positional, names, named);
        }
        Builtin b = Builtins.ALL.get(fn);
        if (b == null) {
            throw Lexer.error("call to undefined function '" + fn + "'", l, c);
        }
        Node[] args = new Node[b.params.size()];
        if (positional.size() > args.length) {
            throw Lexer.error(fn + " takes at most " + args.length + " arguments", l, c);
        }
        for (int i = 0; i < positional.size(); i++) {
            args[i] = positional.get(i);
        }
        for (int i = 0; i < names.size(); i++) {
            int idx = b.paramIndex(names.get(i));
            if (idx < 0) {
                throw Lexer.error(fn + " has no argument '" + names.get(i) + "'", named.get(i).line,
                        named.get(i).column);
            }
            if (args[idx] != null) {
                throw Lexer.error("argument '" + names.get(i) + "' given twice", named.get(i).line,
                        named.get(i).column);
            }
            args[idx] = named.get(i);
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null && b.params.get(i).required()) {
                throw Lexer.error(fn + " needs the argument '" + b.params.get(i).name() + "'", l, c);
            }
        }
        return count(new Builtin.Call(l, c, b, args, bang));
    }

    private Node pathCall(Token name, String fn, List<Node> positional, List<String> names, List<Node> named) {
        Node target = positional.isEmpty() ? null : positional.get(0);
        Node compact = positional.size() > 1 ? positional.get(1) : null;
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if ((n.equals("target") && fn.equals("del")) || (n.equals("field") && fn.equals("exists"))) {
                target = named.get(i);
            } else if (n.equals("compact") && fn.equals("del")) {
                compact = named.get(i);
            } else {
                throw Lexer.error(fn + " has no argument '" + n + "'", named.get(i).line, named.get(i).column);
            }
        }
        int max = fn.equals("del") ? 2 : 1;
        if (positional.size() > max) {
            throw Lexer.error(fn + " takes at most " + max + " arguments", name.line(), name.column());
        }
        if (!(target instanceof Node.EventPath || target instanceof Node.Var || target instanceof Node.Query)) {
            throw Lexer.error(fn + " needs a path argument (.field or variable.field)", name.line(),
                    name.column());
        }
        return count(fn.equals("del") ? new Node.Del(name.line(), name.column(), target, compact)
                : new Node.Exists(name.line(), name.column(), target));
    }
}
