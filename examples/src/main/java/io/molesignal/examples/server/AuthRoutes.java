package io.molesignal.examples.server;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.auth.ApiToken;
import io.molesignal.auth.KeyRotation;
import io.molesignal.auth.LoginResult;
import io.molesignal.auth.LoginThrottledException;
import io.molesignal.auth.MoleSignalAuth;
import io.molesignal.auth.NewApiToken;
import io.molesignal.auth.SecretText;
import io.molesignal.auth.User;
import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.org.Org;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** Login, sessions, API tokens, key rotation, users and (for the platform root) orgs. */
final class AuthRoutes {
    private final MoleSignalAuth auth;
    private final OrgQuotaView quotas;

    /** What the org routes show of quotas (the quota governor). */
    interface OrgQuotaView {
        ObjectNode limits(Principal root, OrgId org);

        ObjectNode usage(Principal root, OrgId org);
    }

    AuthRoutes(MoleSignalAuth auth, OrgQuotaView quotas) {
        this.auth = auth;
        this.quotas = quotas;
    }

    List<Route> routes() {
        Route.Access p = Route.Access.PRINCIPAL;
        Route.Access root = Route.Access.PLATFORM_ROOT;
        return List.of(
                new Route("POST", "/api/v1/auth/login", Route.Access.PUBLIC, Role.VIEWER, Scope.ADMIN, false, null,
                        this::login),
                new Route("POST", "/api/v1/auth/logout", p, Role.VIEWER, Scope.ADMIN, true, "auth.logout", this::logout),
                new Route("POST", "/api/v1/auth/password", p, Role.VIEWER, Scope.ADMIN, true, "auth.password.change",
                        this::password),
                new Route("GET", "/api/v1/auth/me", p, Role.VIEWER, Scope.QUERY, false, null, this::me),
                new Route("POST", "/api/v1/auth/tokens", p, Role.EDITOR, Scope.ADMIN, true, "auth.token.create",
                        this::createToken),
                new Route("GET", "/api/v1/auth/tokens", p, Role.EDITOR, Scope.ADMIN, false, null, this::listTokens),
                new Route("DELETE", "/api/v1/auth/tokens/{id}", p, Role.VIEWER, Scope.ADMIN, false,
                        "auth.token.revoke", this::revokeToken),
                new Route("POST", "/api/v1/auth/jwt/rotate", p, Role.OWNER, Scope.ADMIN, true, "auth.jwt.rotate",
                        this::rotate),
                new Route("GET", "/api/v1/users", p, Role.ADMIN, Scope.ADMIN, false, null, this::listUsers),
                new Route("POST", "/api/v1/users", p, Role.ADMIN, Scope.ADMIN, true, "user.create", this::createUser),
                new Route("PATCH", "/api/v1/users/{id}", p, Role.ADMIN, Scope.ADMIN, true, "user.update",
                        this::updateUser),
                new Route("DELETE", "/api/v1/users/{id}", p, Role.ADMIN, Scope.ADMIN, true, "user.delete",
                        this::deleteUser),
                new Route("GET", "/api/v1/orgs", root, Role.OWNER, Scope.ADMIN, false, null, this::listOrgs),
                new Route("POST", "/api/v1/orgs", root, Role.OWNER, Scope.ADMIN, true, "org.create", this::createOrg),
                new Route("GET", "/api/v1/orgs/{name}", root, Role.OWNER, Scope.ADMIN, false, null, this::getOrg),
                new Route("PATCH", "/api/v1/orgs/{name}", root, Role.OWNER, Scope.ADMIN, true, "org.update",
                        this::updateOrg));
    }

    private void login(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        String org = Call.text(b, "org");
        String email = Call.text(b, "email");
        SecretText password = SecretText.of(Call.text(b, "password"));
        LoginResult r;
        try {
            r = auth.logins().login(org, email, password, call.requestId(), call.request().getRemoteAddr());
        } catch (LoginThrottledException e) {
            call.response().setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
            throw e;
        }
        call.json(200, Json.obj().put("token", r.token().reveal()).put("token_type", "Bearer")
                .put("expires_at", r.expiresAt().toString()).put("org", r.org().value()).put("role", r.role().wireName()));
    }

    private void logout(Call call) {
        auth.logins().logout(call.principal(), call.audit());
        call.noContent();
    }

    private void password(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        auth.logins().changePassword(call.principal(), call.audit(), SecretText.of(Call.text(b, "current_password")),
                SecretText.of(Call.text(b, "new_password")));
        call.noContent();
    }

    private void me(Call call) throws Exception {
        Principal p = call.principal();
        ObjectNode n = Json.obj().put("org", p.org().value()).put("subject", p.subject()).put("role", p.role().wireName())
                .put("credential", p.credentialKind() == CredentialKind.JWT ? "jwt" : "api_token");
        putScopes(n, p.scopes());
        call.json(200, n);
    }

    private void createToken(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        String name = Call.text(b, "name");
        Role role = Role.parse(Call.text(b, "role"));
        Integer days = b.hasNonNull("expires_in_days") ? Call.intField(b, "expires_in_days", 1, 365).getAsInt() : null;
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        JsonNode s = b.get("scopes");
        if (s != null && !s.isNull()) {
            if (!s.isArray()) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "scopes must be an array");
            }
            for (JsonNode e : s) {
                if (!e.isTextual()) {
                    throw new MoleSignalException(ErrorCode.INVALID_INPUT, "scopes must be strings");
                }
                scopes.add(Scope.parse(e.textValue()));
            }
        }
        NewApiToken t = auth.apiTokens().create(call.principal(), call.audit(), name, role, days, scopes);
        ObjectNode n = tokenJson(t.info());
        n.put("token", t.token().reveal());
        call.json(201, n);
    }

    /** {@code "scopes": [wire names, sorted]} on {@code n}. */
    private static void putScopes(ObjectNode n, Set<Scope> scopes) {
        ArrayNode arr = n.putArray("scopes");
        scopes.stream().sorted().forEach(s -> arr.add(s.wireName()));
    }

    private static ObjectNode tokenJson(ApiToken t) {
        ObjectNode n = Json.obj().put("id", t.id()).put("prefix", t.prefix()).put("name", t.name())
                .put("role", t.role().wireName());
        putScopes(n, t.scopes());
        n.put("created_by", t.createdBy()).put("created_at", t.createdAt().toString())
                .put("expires_at", t.expiresAt().toString())
                .put("last_used_at", t.lastUsedAt() == null ? null : t.lastUsedAt().toString())
                .put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
        return n;
    }

    private void listTokens(Call call) throws Exception {
        Page<ApiToken> page = auth.apiTokens().list(call.principal(), call.limit(100, 1000), call.query("cursor"));
        call.json(200, Json.page("tokens", page, AuthRoutes::tokenJson));
    }

    private void revokeToken(Call call) {
        auth.apiTokens().revoke(call.principal(), call.audit(), call.path("id"));
        call.noContent();
    }

    private void rotate(Call call) throws Exception {
        JsonNode b = call.jsonOrEmpty();
        Duration grace = b.hasNonNull("grace_seconds")
                ? Duration.ofSeconds(Call.intField(b, "grace_seconds", 0, 86_400).getAsInt()) : null;
        KeyRotation r = auth.signingKeys().rotate(call.principal(), call.audit(), grace);
        call.json(200, Json.obj().put("active_kid", r.activeKid()).put("retiring_kid", r.retiringKid())
                .put("retiring_until", r.retiringUntil().toString()));
    }

    private static ObjectNode userJson(User u) {
        return Json.obj().put("id", u.id()).put("email", u.email()).put("role", u.role().wireName())
                .put("disabled", u.disabled()).put("created_at", u.createdAt().toString());
    }

    private void listUsers(Call call) throws Exception {
        Page<User> page = auth.users().list(call.principal(), call.limit(100, 1000), call.query("cursor"));
        call.json(200, Json.page("users", page, AuthRoutes::userJson));
    }

    private void createUser(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        User u = auth.users().create(call.principal(), call.audit(), Call.text(b, "email"),
                SecretText.of(Call.text(b, "password")), Role.parse(Call.text(b, "role")));
        call.json(201, Json.obj().put("id", u.id()).put("email", u.email()).put("role", u.role().wireName()));
    }

    private void updateUser(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        Role role = b.hasNonNull("role") ? Role.parse(Call.text(b, "role")) : null;
        Boolean disabled = null;
        if (b.has("disabled")) {
            if (!b.get("disabled").isBoolean()) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "disabled must be a boolean");
            }
            disabled = b.get("disabled").booleanValue();
        }
        User u = auth.users().update(call.principal(), call.audit(), call.path("id"), role, disabled);
        call.json(200, userJson(u));
    }

    private void deleteUser(Call call) {
        auth.users().delete(call.principal(), call.audit(), call.path("id"));
        call.noContent();
    }

    private static ObjectNode orgJson(Org o) {
        return Json.obj().put("name", o.id().value()).put("disabled", o.disabled())
                .put("created_at", o.createdAt().toString());
    }

    private void listOrgs(Call call) throws Exception {
        Page<Org> page = auth.orgs().list(call.principal(), call.limit(100, 1000), call.query("cursor"));
        call.json(200, Json.page("orgs", page, AuthRoutes::orgJson));
    }

    private void createOrg(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        Org o = auth.orgs().create(call.principal(), call.audit(), OrgId.of(Call.text(b, "name")),
                Call.text(b, "owner_email"), SecretText.of(Call.text(b, "owner_password")));
        call.json(201, Json.obj().put("name", o.id().value()));
    }

    private void getOrg(Call call) throws Exception {
        OrgId id = orgPath(call);
        Org o = auth.orgs().get(call.principal(), id);
        ObjectNode n = orgJson(o);
        n.set("limits", quotas.limits(call.principal(), id));
        n.set("usage", quotas.usage(call.principal(), id));
        call.json(200, n);
    }

    private void updateOrg(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        if (!b.has("disabled") || !b.get("disabled").isBoolean()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "disabled must be a boolean");
        }
        Org o = auth.orgs().setDisabled(call.principal(), call.audit(), orgPath(call), b.get("disabled").booleanValue());
        call.json(200, orgJson(o));
    }

    static OrgId orgPath(Call call) {
        try {
            return OrgId.of(call.path("name"));
        } catch (MoleSignalException e) {
            throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such org");
        }
    }
}
