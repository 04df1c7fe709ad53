package io.molesignal.examples.server;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Page;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.crypto.CipherKeyInfo;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherKeyVersion;
import io.molesignal.crypto.CipherKeys;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** Cipher keys and their versions (never key material). */
final class CipherRoutes {
    private final CipherKeys keys;

    CipherRoutes(CipherKeys keys) {
        this.keys = keys;
    }

    List<Route> routes() {
        Route.Access p = Route.Access.PRINCIPAL;
        return List.of(
                new Route("POST", "/api/v1/cipher_keys", p, Role.ADMIN, Scope.ADMIN, false, "cipher_key.create",
                        this::create),
                new Route("GET", "/api/v1/cipher_keys", p, Role.EDITOR, Scope.ADMIN, false, null, this::list),
                new Route("GET", "/api/v1/cipher_keys/{name}", p, Role.EDITOR, Scope.ADMIN, false, null,
                        c -> c.json(200, json(keys.get(c.principal(), c.path("name"))))),
                new Route("POST", "/api/v1/cipher_keys/{name}/rotate", p, Role.ADMIN, Scope.ADMIN, false,
                        "cipher_key.rotate", c -> c.json(200, json(keys.rotate(c.principal(), c.audit(),
                        c.path("name"))))),
                new Route("POST", "/api/v1/cipher_keys/{name}/versions/{version}/disable", p, Role.ADMIN, Scope.ADMIN,
                        false, "cipher_key.version.disable", c -> c.json(200, json(keys.disableVersion(c.principal(),
                        c.audit(), c.path("name"), version(c))))),
                new Route("POST", "/api/v1/cipher_keys/{name}/versions/{version}/enable", p, Role.ADMIN, Scope.ADMIN,
                        false, "cipher_key.version.enable", c -> c.json(200, json(keys.enableVersion(c.principal(),
                        c.audit(), c.path("name"), version(c))))));
    }

    private static int version(Call c) {
        try {
            return Integer.parseInt(c.path("version"));
        } catch (NumberFormatException e) {
            throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such key version");
        }
    }

    private void create(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        CipherKeyKind kind = CipherKeyKind.AES256_GCM;
        if (b.hasNonNull("kind")) {
            String k = Call.text(b, "kind");
            if (!k.equals("aes256_gcm") && !k.equals("aes256_siv")) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "kind must be aes256_gcm or aes256_siv");
            }
            kind = CipherKeyKind.valueOf(k.toUpperCase(Locale.ROOT));
        }
        call.json(201, json(keys.create(call.principal(), call.audit(), Call.text(b, "name"), kind)));
    }

    private void list(Call call) throws Exception {
        Page<CipherKeyInfo> page = keys.list(call.principal(), call.limit(100, 1000), call.query("cursor"));
        call.json(200, Json.page("keys", page, CipherRoutes::json));
    }

    static ObjectNode json(CipherKeyInfo k) {
        ObjectNode n = Json.obj().put("name", k.name()).put("kind", k.kind().name().toLowerCase(Locale.ROOT))
                .put("primary_version", k.primaryVersion());
        ArrayNode versions = n.putArray("versions");
        for (CipherKeyVersion v : k.versions()) {
            versions.addObject().put("version", v.version()).put("status", v.status().name().toLowerCase(Locale.ROOT))
                    .put("created_at", v.createdAt().toString());
        }
        return n;
    }
}
