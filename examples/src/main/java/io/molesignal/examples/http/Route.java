package io.molesignal.examples.http;

import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.Role;
import io.molesignal.core.Scope;

/**
 * One route of the HTTP API: method and path template ({@code /api/v1/users/{id}}), who may call it, and the audit
 * action of a mutating route (denied attempts are recorded under it).
 *
 * @param method HTTP method
 * @param template path template with {@code {name}} segments
 * @param access public, any principal, or the platform root
 * @param minRole the lowest role allowed (ignored for public routes)
 * @param scope the scope an API token needs
 * @param jwtOnly whether API tokens are refused with 403
 * @param auditAction the action recorded for denied attempts on a mutating route, or null
 * @param handler the handler
 */
public record Route(String method, String template, Access access, Role minRole, Scope scope, boolean jwtOnly,
                    @Nullable String auditAction, Handler handler) {

    /** Who may call a route. */
    public enum Access {
        PUBLIC, PRINCIPAL, PLATFORM_ROOT
    }

    /** Handles a call. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }

    private static final Pattern TEMPLATE = Pattern.compile("(/[A-Za-z0-9_.{}-]+)+");

    public Route {
        Objects.requireNonNull(method, "method");
        if (!TEMPLATE.matcher(template).matches()) {
            throw new IllegalArgumentException("bad template " + template);
        }
    }
}
