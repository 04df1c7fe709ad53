package io.molesignal.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.auth.AuthResult;
import io.molesignal.auth.LoginResult;
import io.molesignal.auth.MoleSignalAuth;
import io.molesignal.auth.SecretText;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.org.OrgDirectory;

/**
 * Issue 3 benchmarks: {@code TokenAuthenticator.authenticate()} for a JWT and an API token on the warm path (1 and 2
 * threads) and a JWT on the cold path (verified-token cache off; role state cached), against bare Nimbus
 * {@code DefaultJWTProcessor.process} and a bare SHA-256 of the token in the same run; and a login at the
 * production Argon2id parameters (m=19 MiB, t=2, p=1). In-memory H2.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar AuthBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthBenchmark {
    private HikariDataSource ds;
    private AuditLog auditLog;
    private MoleSignalAuth auth;
    private MoleSignalAuth coldAuth;
    private String jwtHeader;
    private String apiHeader;
    private String jwt;
    private byte[] jwtBytes;
    private byte[] apiBytes;
    private DefaultJWTProcessor<SecurityContext> bareNimbus;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:h2:mem:authbench;DB_CLOSE_DELAY=-1");
        cfg.setMaximumPoolSize(8);
        ds = new HikariDataSource(cfg);
        Database db = Database.of(ds);
        db.migrate("core");
        db.migrate("auth");
        SecureRandom random = new SecureRandom();
        auditLog = AuditLog.builder(db).build();
        CursorCodec cursors = CursorCodec.load(db, null, random, java.time.Clock.systemUTC());
        OrgDirectory orgs = OrgDirectory.builder(db, auditLog, cursors).build();
        // Production Argon2 parameters (the default); throttling off so the login benchmark can repeat.
        auth = MoleSignalAuth.builder(db, auditLog, orgs, cursors).disableLoginThrottleForTests().build();
        coldAuth = MoleSignalAuth.builder(db, auditLog, orgs, cursors).maxVerifiedTokens(0).build();
        auth.bootstrapRoot("root@bench.test", SecretText.of("root-password-1"));
        LoginResult rootLogin = auth.logins().login("_meta", "root@bench.test", SecretText.of("root-password-1"),
                null, null);
        Principal root = principal(auth, "Bearer " + rootLogin.token().reveal());
        auth.orgs().create(root, MoleSignalAuth.auditContext(root, null, null), OrgId.of("acme"), "owner@acme.test",
                SecretText.of("owner-password-1"));
        LoginResult owner = auth.logins().login("acme", "owner@acme.test", SecretText.of("owner-password-1"), null,
                null);
        jwt = owner.token().reveal();
        jwtBytes = jwt.getBytes(StandardCharsets.US_ASCII);
        jwtHeader = "Bearer " + jwt;
        Principal p = principal(auth, jwtHeader);
        String api = auth.apiTokens().create(p, MoleSignalAuth.auditContext(p, null, null), "bench", Role.EDITOR,
                null, Set.of()).token().reveal();
        apiHeader = "Bearer " + api;
        apiBytes = api.getBytes(StandardCharsets.US_ASCII);
        principal(auth, apiHeader);
        principal(coldAuth, jwtHeader);
        if (coldAuth.authenticator().cachedTokens() != 0) {
            throw new IllegalStateException("the cold path must not cache verified tokens");
        }

        byte[] key;
        String kid;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT key_value, kid FROM ms_auth_signing_key "
                     + "WHERE active_org = 'acme'")) {
            rs.next();
            key = Base64.getDecoder().decode(rs.getString(1));
            kid = rs.getString(2);
        }
        bareNimbus = new DefaultJWTProcessor<>();
        bareNimbus.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        bareNimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                new ImmutableJWKSet<>(new JWKSet(new OctetSequenceKey.Builder(key).keyID(kid).build()))));
        bareNimbus.process(jwt, null);
    }

    private static Principal principal(MoleSignalAuth a, String header) {
        AuthResult r = a.authenticator().authenticate(header);
        if (!(r instanceof AuthResult.Authenticated ok)) {
            throw new IllegalStateException("setup credential refused: " + r);
        }
        return ok.principal();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        auth.close();
        coldAuth.close();
        auditLog.close();
        ds.close();
    }

    /** Per-thread digest for the bare SHA-256 baseline. */
    @State(Scope.Thread)
    public static class Sha {
        MessageDigest md;

        @Setup
        public void setUp() throws NoSuchAlgorithmException {
            md = MessageDigest.getInstance("SHA-256");
        }
    }

    @Benchmark
    @Threads(1)
    public AuthResult jwtWarm1() {
        return auth.authenticator().authenticate(jwtHeader);
    }

    @Benchmark
    @Threads(2)
    public AuthResult jwtWarm2() {
        return auth.authenticator().authenticate(jwtHeader);
    }

    @Benchmark
    @Threads(1)
    public AuthResult apiTokenWarm1() {
        return auth.authenticator().authenticate(apiHeader);
    }

    @Benchmark
    @Threads(2)
    public AuthResult apiTokenWarm2() {
        return auth.authenticator().authenticate(apiHeader);
    }

    @Benchmark
    @Threads(1)
    public AuthResult jwtCold() {
        return coldAuth.authenticator().authenticate(jwtHeader);
    }

    @Benchmark
    @Threads(1)
    public JWTClaimsSet bareNimbusProcess() throws Exception {
        return bareNimbus.process(jwt, null);
    }

    @Benchmark
    @Threads(1)
    public byte[] bareSha256(Sha sha) {
        return sha.md.digest(jwtBytes);
    }

    @Benchmark
    @Threads(1)
    public byte[] bareSha256ApiToken(Sha sha) {
        return sha.md.digest(apiBytes);
    }

    /** A full login at production Argon2id parameters (hash + JWT + session row + audit entry). */
    @Benchmark
    @Threads(1)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public LoginResult loginArgon2Production() {
        return auth.logins().login("acme", "owner@acme.test", SecretText.of("owner-password-1"), null, null);
    }
}
