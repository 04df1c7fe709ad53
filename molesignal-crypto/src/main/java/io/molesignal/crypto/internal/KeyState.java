package io.molesignal.crypto.internal;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AesGcmKey;

import io.molesignal.core.OrgId;
import io.molesignal.crypto.CipherKeyInfo;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherKeyVersion;

/** A named key opened from the database: its versions by number and by Tink key id. Immutable, thread-safe. */
public final class KeyState {
    final OrgId org;
    final String name;
    final CipherKeyKind kind;
    final int primaryVersion;
    final List<VersionState> versions;
    final Map<Integer, VersionState> byKeyId;
    final long loadedAtNanos;
    /** Key ids a decrypt named that the database did not have when checked (bounded, see KeyRing#versionFor). */
    final Set<Integer> checkedAbsent = ConcurrentHashMap.newKeySet();
    /** This instance's budget lease on the primary version (shared with later states through KeyRing). */
    volatile java.util.concurrent.atomic.@Nullable AtomicLong primaryLease;
    /** Associated data per field (bounded; the fields of one key are few: columns and event paths). */
    private final ConcurrentHashMap<String, byte[]> adByField = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_FIELDS = 1024;

    private KeyState(OrgId org, String name, CipherKeyKind kind, int primaryVersion, List<VersionState> versions,
                     long loadedAtNanos) {
        this.org = org;
        this.name = name;
        this.kind = kind;
        this.primaryVersion = primaryVersion;
        this.versions = List.copyOf(versions);
        Map<Integer, VersionState> m = new HashMap<>();
        for (VersionState v : versions) {
            m.put(v.keyId, v);
        }
        this.byKeyId = Map.copyOf(m);
        this.loadedAtNanos = loadedAtNanos;
    }

    /**
     * Builds the state from an opened keyset and its version rows.
     *
     * @throws GeneralSecurityException when the keyset and the rows disagree (number of versions, key ids, primary)
     */
    static KeyState of(KeyRows.StoredKey row, CipherKeyKind kind, KeysetHandle handle, long nowNanos)
            throws GeneralSecurityException {
        if (handle.size() != row.versions().size()) {
            throw new GeneralSecurityException("keyset and version rows disagree");
        }
        List<VersionState> vs = new ArrayList<>(handle.size());
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry e = handle.getAt(i);
            KeyRows.StoredVersion sv = row.versions().get(i);
            if (sv.version() != i + 1 || sv.keyId() != e.getId()) {
                throw new GeneralSecurityException("keyset and version rows disagree");
            }
            if (e.isPrimary() != (sv.version() == row.primaryVersion())) {
                throw new GeneralSecurityException("keyset and primary version disagree");
            }
            Key key = e.getKey();
            KeysetHandle single = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(key).makePrimary()).build();
            Aead aead = null;
            DeterministicAead daead = null;
            SecretKeySpec gcmKey = null;
            byte[] prefix;
            if (kind == CipherKeyKind.AES256_GCM) {
                if (!(key instanceof AesGcmKey g) || g.getParameters().getIvSizeBytes() != 12
                        || g.getParameters().getTagSizeBytes() != 16 || g.getOutputPrefix().size() != 5) {
                    throw new GeneralSecurityException("unexpected key type in an aes256_gcm keyset");
                }
                aead = single.getPrimitive(RegistryConfiguration.get(), Aead.class);
                byte[] raw = g.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
                gcmKey = new SecretKeySpec(raw, "AES");
                java.util.Arrays.fill(raw, (byte) 0);
                prefix = g.getOutputPrefix().toByteArray();
            } else {
                if (!(key instanceof com.google.crypto.tink.daead.AesSivKey s) || s.getOutputPrefix().size() != 5) {
                    throw new GeneralSecurityException("unexpected key type in an aes256_siv keyset");
                }
                daead = single.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
                prefix = s.getOutputPrefix().toByteArray();
            }
            vs.add(new VersionState(i + 1, e.getId(), e.getStatus() == KeyStatus.ENABLED, sv.createdAt(), aead, daead,
                    gcmKey, prefix));
        }
        return new KeyState(row.org(), row.name(), kind, row.primaryVersion(), vs, nowNanos);
    }

    /** {@code Ciphertexts.associatedData(org, name, field)}, cached; callers must not modify the array. */
    byte[] associatedData(String field) {
        byte[] ad = adByField.get(field);
        if (ad == null) {
            ad = Ciphertexts.associatedData(org, name, field);
            if (adByField.size() < MAX_CACHED_FIELDS) {
                adByField.put(field, ad);
            }
        }
        return ad;
    }

    /** The primary version. */
    VersionState primary() {
        return versions.get(primaryVersion - 1);
    }

    @Nullable
    VersionState byKeyId(int keyId) {
        return byKeyId.get(keyId);
    }

    public CipherKeyKind kind() {
        return kind;
    }

    public int primaryVersion() {
        return primaryVersion;
    }

    /** The metadata the key-management API shows. */
    public CipherKeyInfo info() {
        List<CipherKeyVersion> out = new ArrayList<>(versions.size());
        for (VersionState v : versions) {
            out.add(new CipherKeyVersion(v.version, v.enabled ? CipherKeyVersion.Status.ENABLED
                    : CipherKeyVersion.Status.DISABLED, v.createdAt));
        }
        return new CipherKeyInfo(name, kind, primaryVersion, out);
    }

    @Override
    public String toString() {
        return "KeyState[" + org + "/" + name + ", kind=" + kind.wireName() + ", primary=" + primaryVersion + "]";
    }
}
