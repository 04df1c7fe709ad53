package io.molesignal.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.db.Database;
import io.molesignal.crypto.internal.CipherKeyNames;
import io.molesignal.crypto.internal.KeyRing;
import io.molesignal.crypto.internal.KeyRows;

/**
 * Management of an org's named cipher keys, the operations behind {@code API.md}'s {@code /api/v1/cipher_keys}
 * routes. The org is always the caller's ({@link Principal#org()}): another org's key name is {@code NOT_FOUND},
 * exactly like a name that does not exist.
 *
 * <p>Changes need admin+ and the {@code admin} scope; reads need editor+ and the {@code admin} scope. Every change
 * (and every denied or failed attempt at one) is audited through {@link AuditLog#mutate} with the actions
 * {@code cipher_key.create}, {@code cipher_key.rotate}, {@code cipher_key.version.disable},
 * {@code cipher_key.version.enable}, the key name as target and the details {@code name}, {@code kind},
 * {@code version} and {@code primary_version}; the change and its entry commit together. Nothing returned, logged or
 * audited contains key material.
 *
 * <p>Without a root key every method throws {@code CIPHER_DISABLED} (nothing is audited). Thread-safe.
 */
public final class CipherKeys {
    /** The largest page of {@link #list}. */
    public static final int MAX_LIMIT = 1000;
    private static final String CURSOR_KIND = "cipher_keys";

    private final Database database;
    private final AuditLog auditLog;
    private final @Nullable KeyRing ring;
    private final @Nullable CursorCodec cursors;

    CipherKeys(Database database, AuditLog auditLog, @Nullable KeyRing ring, @Nullable CursorCodec cursors) {
        this.database = database;
        this.auditLog = auditLog;
        this.ring = ring;
        this.cursors = cursors;
    }

    /**
     * Creates a key whose version 1 is primary.
     *
     * @param caller admin+ with the admin scope
     * @param context who acts, for the audit entry
     * @param name {@code [A-Za-z0-9_.-]{1,64}}
     * @param kind the kind ({@link CipherKeyKind#AES256_GCM} is the API's default)
     * @return the new key's metadata
     * @throws MoleSignalException {@code FORBIDDEN}; {@code INVALID_INPUT} for an invalid name; {@code CONFLICT}
     *         when the org already has a key of that name; {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public CipherKeyInfo create(Principal caller, AuditContext context, String name, CipherKeyKind kind) {
        KeyRing r = ring();
        Objects.requireNonNull(kind, "kind");
        OrgId org = caller.org();
        return auditLog.mutate(AuditRecord.builder(org, "cipher_key.create", context).target(target(name))
                .detail("name", target(name)).detail("kind", kind.wireName()), (tx, entry) -> {
                    caller.require(Role.ADMIN, Scope.ADMIN);
                    if (!CipherKeyNames.isValid(name)) {
                        throw new MoleSignalException(ErrorCode.INVALID_INPUT,
                                "a cipher key name must match [A-Za-z0-9_.-]{1,64}");
                    }
                    CipherKeyInfo info = r.create(tx, org, name, kind);
                    entry.detail("version", info.primaryVersion()).detail("primary_version", info.primaryVersion());
                    return info;
                });
    }

    /**
     * Lists the caller's org's keys in name order.
     *
     * @param caller editor+ with the admin scope
     * @param limit 1..{@value #MAX_LIMIT}
     * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first
     * @throws MoleSignalException {@code FORBIDDEN}; {@code INVALID_INPUT} for a bad limit or a cursor of another
     *         org or list; {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public Page<CipherKeyInfo> list(Principal caller, int limit, @Nullable String cursor) {
        KeyRing r = ring();
        caller.require(Role.EDITOR, Scope.ADMIN);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be in 1..1000");
        }
        OrgId org = caller.org();
        CursorCodec codec = Objects.requireNonNull(cursors, "cursors");
        String after = cursor == null ? null : codec.decode(org, CURSOR_KIND, cursor);
        return database.inTransaction(tx -> {
            List<String> names = KeyRows.names(tx, org, after, limit + 1);
            List<CipherKeyInfo> items = new ArrayList<>(Math.min(names.size(), limit));
            for (int i = 0; i < names.size() && i < limit; i++) {
                r.info(tx, org, names.get(i)).ifPresent(items::add);
            }
            String next = names.size() > limit ? codec.encode(org, CURSOR_KIND, names.get(limit - 1)) : null;
            return new Page<>(items, next);
        });
    }

    /**
     * One key's metadata.
     *
     * @param caller editor+ with the admin scope
     * @throws MoleSignalException {@code FORBIDDEN}; {@code NOT_FOUND} when the caller's org has no such key;
     *         {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public CipherKeyInfo get(Principal caller, String name) {
        KeyRing r = ring();
        caller.require(Role.EDITOR, Scope.ADMIN);
        if (!CipherKeyNames.isValid(name)) {
            throw KeyRing.unknownKey(name);
        }
        return database.inTransaction(tx -> r.info(tx, caller.org(), name))
                .orElseThrow(() -> KeyRing.unknownKey(name));
    }

    /**
     * Adds a new primary version; older versions keep decrypting.
     *
     * @param caller admin+ with the admin scope
     * @return the metadata with the new primary version
     * @throws MoleSignalException {@code FORBIDDEN}; {@code NOT_FOUND}; {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public CipherKeyInfo rotate(Principal caller, AuditContext context, String name) {
        KeyRing r = ring();
        OrgId org = caller.org();
        return auditLog.mutate(AuditRecord.builder(org, "cipher_key.rotate", context).target(target(name))
                .detail("name", target(name)), (tx, entry) -> {
                    caller.require(Role.ADMIN, Scope.ADMIN);
                    checkName(name);
                    CipherKeyInfo info = r.rotate(tx, org, name);
                    entry.detail("kind", info.kind().wireName()).detail("version", info.primaryVersion())
                            .detail("primary_version", info.primaryVersion());
                    return info;
                });
    }

    /**
     * Disables a version: values it encrypted fail with {@link CipherFailure#DISABLED_KEY_VERSION} until it is
     * enabled again. Disabling a disabled version changes nothing (and is audited).
     *
     * @throws MoleSignalException {@code FORBIDDEN}; {@code NOT_FOUND} for an unknown key or version;
     *         {@code CONFLICT} for the primary version; {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public CipherKeyInfo disableVersion(Principal caller, AuditContext context, String name, int version) {
        return setEnabled(caller, context, name, version, false);
    }

    /**
     * Enables a version again.
     *
     * @throws MoleSignalException {@code FORBIDDEN}; {@code NOT_FOUND} for an unknown key or version;
     *         {@code CIPHER_DISABLED}; {@code UNAVAILABLE}
     */
    public CipherKeyInfo enableVersion(Principal caller, AuditContext context, String name, int version) {
        return setEnabled(caller, context, name, version, true);
    }

    private CipherKeyInfo setEnabled(Principal caller, AuditContext context, String name, int version,
                                     boolean enabled) {
        KeyRing r = ring();
        OrgId org = caller.org();
        String action = enabled ? "cipher_key.version.enable" : "cipher_key.version.disable";
        return auditLog.mutate(AuditRecord.builder(org, action, context).target(target(name))
                .detail("name", target(name)).detail("version", version), (tx, entry) -> {
                    caller.require(Role.ADMIN, Scope.ADMIN);
                    checkName(name);
                    CipherKeyInfo info = r.setEnabled(tx, org, name, version, enabled);
                    entry.detail("kind", info.kind().wireName()).detail("primary_version", info.primaryVersion());
                    return info;
                });
    }

    private static void checkName(String name) {
        if (!CipherKeyNames.isValid(name)) {
            throw KeyRing.unknownKey(name);
        }
    }

    private static String target(String name) {
        return CipherKeyNames.isValid(name) ? name : "(invalid name)";
    }

    private KeyRing ring() {
        KeyRing r = ring;
        if (r == null) {
            throw FieldCipher.disabled();
        }
        return r;
    }
}
