package io.molesignal.auth.internal;

import java.security.Key;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import io.molesignal.auth.RejectionReason;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;

/**
 * Mints and verifies login JWTs (RFC 7519 / RFC 7515 compact JWS) with Nimbus JOSE+JWT, following RFC 8725:
 * <ul>
 *   <li>only HS256 (§3.1); {@code alg: none} and every other algorithm are refused before any key is chosen;</li>
 *   <li>{@code kid} required and looked up exactly, never a "try every key" fallback (Nimbus would try every key of
 *       a set for a kid-less token); the key's org must equal the token's {@code org_id};</li>
 *   <li>header parameters that point elsewhere ({@code jku}, {@code jwk}, {@code x5u}, {@code x5c}, {@code x5t}) and
 *       {@code crit} are refused (§3.10): nothing is ever fetched;</li>
 *   <li>explicit typing {@code typ: at+jwt} (RFC 9068, §3.11);</li>
 *   <li>required claims {@code iss} (exact), {@code aud} (ours), {@code sub}, {@code org_id} (a JSON string),
 *       {@code iat} (not in the future beyond the leeway), {@code exp} (lifetime at most the configured maximum) and
 *       {@code jti}; {@code nbf} checked when present.</li>
 * </ul>
 * The caller caps the token size before calling (Nimbus parses the claims before it checks the signature).
 * Thread-safe.
 */
public final class JwtCodec {
    public static final JOSEObjectType TYP = new JOSEObjectType("at+jwt");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,40}");
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final KeyRing keys;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final long leewaySeconds;
    private final Duration maxLifetime;
    private final DefaultJWTProcessor<KeyContext> processor;

    /** Carries the key chosen by kid into Nimbus's key selector. */
    private record KeyContext(KeyRing.Key key) implements SecurityContext {
    }

    /** A verified JWT. */
    public record Verified(String kid, OrgId org, String userId, String jti, Instant issuedAt, Instant expiresAt) {
    }

    /** A minted JWT. */
    public record Minted(String token, String jti, String kid, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Minted[jti=" + jti + ", kid=" + kid + ", token=redacted]";
        }
    }

    public JwtCodec(KeyRing keys, String issuer, String audience, Clock clock, Duration leeway, Duration maxLifetime) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        this.leewaySeconds = leeway.toSeconds();
        this.maxLifetime = maxLifetime;
        DefaultJWTProcessor<KeyContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYP));
        p.setJWTClaimsSetAwareJWSKeySelector((header, claims, ctx) -> selectKey(header, claims, ctx));
        DefaultJWTClaimsVerifier<KeyContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("iss", "aud", "sub", "org_id", "iat", "exp", "jti"), Set.of()) {
            @Override
            protected Date currentTime() {
                return Date.from(JwtCodec.this.clock.instant());
            }
        };
        claimsVerifier.setMaxClockSkew((int) leewaySeconds);
        p.setJWTClaimsSetVerifier(claimsVerifier);
        this.processor = p;
    }

    private static List<? extends Key> selectKey(JWSHeader header, JWTClaimsSet claims, KeyContext ctx) {
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm()) || !ctx.key().kid().equals(header.getKeyID())) {
            return List.of();
        }
        try {
            String org = claims.getStringClaim("org_id");
            return ctx.key().org().value().equals(org) ? List.of(ctx.key().secret()) : List.of();
        } catch (ParseException e) {
            return List.of(); // org_id is not a JSON string
        }
    }

    /** Mints a JWT for a user with the org's active key. */
    public Minted mint(OrgId org, String userId, Duration lifetime, SecureRandom random) {
        KeyRing.Key key = keys.active(org);
        Instant iat = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant exp = iat.plus(lifetime);
        String jti = Base62.random(random, 22);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(userId)
                .claim("org_id", org.value()).issueTime(Date.from(iat)).expirationTime(Date.from(exp)).jwtID(jti)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.kid()).type(TYP).build(),
                claims);
        try {
            jwt.sign(new MACSigner(key.secret()));
        } catch (JOSEException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "the JWT could not be signed", e);
        }
        return new Minted(jwt.serialize(), jti, key.kid(), iat, exp);
    }

    /**
     * Verifies a compact JWS JWT.
     *
     * @return a {@link Verified}, or the {@link RejectionReason}
     */
    public Object verify(String token) {
        if (!COMPACT.matcher(token).matches()) {
            return RejectionReason.MALFORMED;
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return RejectionReason.MALFORMED;
        }
        JWSHeader h = jwt.getHeader();
        String kid = h.getKeyID();
        if (!JWSAlgorithm.HS256.equals(h.getAlgorithm()) || kid == null || !ID.matcher(kid).matches()
                || !TYP.equals(h.getType()) || h.getJWKURL() != null || h.getJWK() != null
                || h.getX509CertURL() != null || h.getX509CertChain() != null || h.getX509CertThumbprint() != null
                || h.getX509CertSHA256Thumbprint() != null || h.getCriticalParams() != null
                || !h.getCustomParams().isEmpty()) {
            return RejectionReason.INVALID_TOKEN;
        }
        KeyRing.Key key = keys.forKid(kid).orElse(null);
        if (key == null) {
            return RejectionReason.INVALID_TOKEN;
        }
        Instant now = clock.instant();
        if (!key.usableAt(now)) {
            return RejectionReason.KEY_RETIRED;
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, new KeyContext(key));
        } catch (BadJOSEException e) {
            return "Expired JWT".equals(e.getMessage()) ? RejectionReason.EXPIRED : RejectionReason.INVALID_TOKEN;
        } catch (JOSEException | RuntimeException e) {
            return RejectionReason.INVALID_TOKEN;
        }
        try {
            String org = claims.getStringClaim("org_id");
            String sub = claims.getStringClaim("sub");
            String jti = claims.getJWTID();
            Date iat = claims.getIssueTime();
            Date exp = claims.getExpirationTime();
            if (org == null || sub == null || jti == null || iat == null || exp == null || !ID.matcher(sub).matches()
                    || !ID.matcher(jti).matches() || !OrgId.PATTERN.matcher(org).matches() && !"_meta".equals(org)) {
                return RejectionReason.INVALID_TOKEN;
            }
            Instant issued = iat.toInstant();
            Instant expires = exp.toInstant();
            if (issued.isAfter(now.plusSeconds(leewaySeconds)) || expires.isBefore(issued)
                    || Duration.between(issued, expires).compareTo(maxLifetime) > 0) {
                return RejectionReason.INVALID_TOKEN;
            }
            return new Verified(kid, OrgId.of(org), sub, jti, issued, expires);
        } catch (ParseException | MoleSignalException e) {
            return RejectionReason.INVALID_TOKEN;
        }
    }

    /** The leeway in seconds (RFC 7519 §4.1.4 clock skew). */
    public long leewaySeconds() {
        return leewaySeconds;
    }
}
