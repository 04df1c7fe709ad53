package io.molesignal.crypto.internal;

import java.util.regex.Pattern;

/** Key names: {@code [A-Za-z0-9_.-]{1,64}}. */
public final class CipherKeyNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private CipherKeyNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
