package io.molesignal.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherRootKey;
import io.molesignal.crypto.FieldCipher;

/**
 * {@link FieldCipher} (aes256_gcm: AAD building, budget lease, Tink or the chunked JCE path, text encoding) against
 * raw JCE AES-256-GCM {@link Cipher} plus base64url on the same data in the same run, and Tink's one-shot AEAD plus
 * base64url (what FieldCipher would do without its chunked large-value path).
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar CipherBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CipherBenchmark {
    private static final OrgId ORG = OrgId.of("acme");

    @Param({"64", "1024", "65536", "1048576"})
    public int size;

    private HikariDataSource dataSource;
    private AuditLog audit;
    private FieldCipher fieldCipher;
    private String plaintext;
    private String fieldCiphertext;
    private byte[] aad;
    private SecretKeySpec jceKey;
    private Cipher jceCipher;
    private SecureRandom random;
    private String jceCiphertext;
    private Aead tink;
    private String tinkCiphertext;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:h2:mem:cipherbench" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        cfg.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(cfg);
        Database db = Database.of(dataSource);
        db.migrate("core");
        db.migrate("crypto");
        random = new SecureRandom();
        byte[] rootBytes = new byte[32];
        random.nextBytes(rootBytes);
        CipherRootKey root = CipherRootKey.ofBytes(rootBytes, null);
        audit = AuditLog.builder(db).sealer(root.sealer()).build();
        fieldCipher = FieldCipher.builder(db, audit).rootKey(root).build();
        fieldCipher.keys().create(new Principal(ORG, "bench", Role.ADMIN, CredentialKind.JWT, "j", Set.of()),
                AuditContext.system("bench"), "bench", CipherKeyKind.AES256_GCM);

        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append((char) ('a' + i % 26));
        }
        plaintext = sb.toString();
        fieldCiphertext = fieldCipher.encrypt(ORG, "bench", "user.email", plaintext);
        // The same amount of associated data as FieldCipher binds for (acme, bench, user.email).
        aad = new byte[4 + 3 + 4 + 4 + 4 + 5 + 4 + 10];
        random.nextBytes(aad);

        byte[] k = new byte[32];
        random.nextBytes(k);
        jceKey = new SecretKeySpec(k, "AES");
        jceCipher = Cipher.getInstance("AES/GCM/NoPadding");
        jceCiphertext = jceEncrypt();

        AeadConfig.register();
        tink = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        tinkCiphertext = tinkEncrypt();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fieldCipher.close();
        audit.close();
        dataSource.close();
    }

    @Benchmark
    public String fieldCipherEncrypt() {
        return fieldCipher.encrypt(ORG, "bench", "user.email", plaintext);
    }

    @Benchmark
    public String fieldCipherDecrypt() {
        return fieldCipher.decrypt(ORG, "bench", "user.email", fieldCiphertext);
    }

    @Benchmark
    public String jceEncrypt() throws GeneralSecurityException {
        byte[] pt = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        jceCipher.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, iv));
        jceCipher.updateAAD(aad);
        byte[] out = new byte[12 + pt.length + 16];
        System.arraycopy(iv, 0, out, 0, 12);
        jceCipher.doFinal(pt, 0, pt.length, out, 12);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    @Benchmark
    public String jceDecrypt() throws GeneralSecurityException {
        byte[] in = Base64.getUrlDecoder().decode(jceCiphertext);
        jceCipher.init(Cipher.DECRYPT_MODE, jceKey, new GCMParameterSpec(128, in, 0, 12));
        jceCipher.updateAAD(aad);
        return new String(jceCipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    }

    @Benchmark
    public String tinkEncrypt() throws GeneralSecurityException {
        byte[] ct = tink.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), aad);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(ct);
    }

    @Benchmark
    public String tinkDecrypt() throws GeneralSecurityException {
        return new String(tink.decrypt(Base64.getUrlDecoder().decode(tinkCiphertext), aad), StandardCharsets.UTF_8);
    }
}
