package io.molesignal.crypto.internal;

import java.security.GeneralSecurityException;
import java.util.Base64;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;

import io.molesignal.core.OrgId;
import io.molesignal.crypto.CipherKeyKind;

/**
 * Tink keyset operations: generate, rotate, change a key's status, seal under the root key and open. Keysets are
 * never hand-built: only Tink's builders and {@link TinkProtoKeysetFormat} touch them.
 */
public final class Keysets {
    static {
        try {
            // Tink's registry is process-global and registration is idempotent.
            AeadConfig.register();
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Keysets() {
    }

    /** Makes sure Tink's key managers are registered. */
    public static void init() {
        // the static initializer does the work
    }

    static Parameters parameters(CipherKeyKind kind) {
        return switch (kind) {
            case AES256_GCM -> PredefinedAeadParameters.AES256_GCM;
            case AES256_SIV -> PredefinedDeterministicAeadParameters.AES256_SIV;
        };
    }

    /** A new keyset with one primary key (TINK output prefix, random key id). */
    public static KeysetHandle generate(CipherKeyKind kind) throws GeneralSecurityException {
        return KeysetHandle.generateNew(parameters(kind));
    }

    /** The keyset with a new key appended and made primary; the other keys keep their status. */
    public static KeysetHandle rotate(KeysetHandle handle, CipherKeyKind kind) throws GeneralSecurityException {
        KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
        b.addEntry(KeysetHandle.generateEntryFromParameters(parameters(kind)).withRandomId().makePrimary());
        return b.build();
    }

    /** The keyset with entry {@code index} (0-based) set to {@code enabled}. */
    public static KeysetHandle withStatus(KeysetHandle handle, int index, boolean enabled)
            throws GeneralSecurityException {
        KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
        b.getAt(index).setStatus(enabled ? KeyStatus.ENABLED : KeyStatus.DISABLED);
        return b.build();
    }

    /**
     * Seals a keyset: base64url-nopad of Tink's encrypted keyset format under the root AEAD with associated data
     * {@code lp("ms1-keyset") ‖ lp(org) ‖ lp(name) ‖ lp(kind)}.
     */
    public static String seal(KeysetHandle handle, RootKeyMaterial root, OrgId org, String name, CipherKeyKind kind)
            throws GeneralSecurityException {
        byte[] enc = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, root.aead(), ad(org, name, kind));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(enc);
    }

    /**
     * Opens a sealed keyset.
     *
     * @throws GeneralSecurityException when it does not open (another root, org, name or kind; altered)
     */
    public static KeysetHandle open(String sealed, RootKeyMaterial root, OrgId org, String name, CipherKeyKind kind)
            throws GeneralSecurityException {
        byte[] enc;
        try {
            enc = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("sealed keyset is not base64url");
        }
        return TinkProtoKeysetFormat.parseEncryptedKeyset(enc, root.aead(), ad(org, name, kind));
    }

    private static byte[] ad(OrgId org, String name, CipherKeyKind kind) {
        return Bytes.lengthPrefixed("ms1-keyset", org.value(), name, kind.wireName());
    }
}
