package io.molesignal.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.core.vrl.VrlContext;
import io.molesignal.core.vrl.VrlProgram;
import io.molesignal.core.vrl.VrlResult;

/**
 * Events per second per core of a 6-statement VRL program, without encryption and with one {@code encrypt},
 * against a hand-written Java transform doing the same work on the same events (the five LogHub structured CSVs
 * of {@code ../shared/data/loghub}, read at setup; override the directory with {@code -Dms.loghub.dir=...}).
 * One thread; every operation processes all events once (each on a fresh shallow copy, for both contenders).
 * Goal (issue 7): at least 500,000 events/s without encryption and within 3× of the hand-written transform.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
public class VrlBenchmark {
    /** The events per operation: all rows of the five logs (10,000). */
    static final int EVENTS = 10_000;

    static final String COMMON = """
            .message = del(.Content)
            .level = downcase(.Level) ?? "info"
            del(.Level)
            .line = to_int(.LineId) ?? 0
            del(.EventTemplate)
            """;
    static final String PLAIN = COMMON + ".service = \"loghub\"\n";
    static final String ENCRYPTING = COMMON + ".message = encrypt!(.message, \"pii\")\n";

    private static final OrgId ORG = OrgId.of("bench");

    private List<Map<String, Object>> events;
    private VrlProgram plain;
    private VrlProgram encrypting;
    private VrlContext context;
    private BenchCipher cipher;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        events = loadEvents(Path.of(System.getProperty("ms.loghub.dir", "../shared/data/loghub")));
        if (events.size() != EVENTS) {
            throw new IllegalStateException("expected " + EVENTS + " events, read " + events.size());
        }
        plain = VrlProgram.compile(PLAIN);
        encrypting = VrlProgram.compile(ENCRYPTING);
        cipher = new BenchCipher();
        context = new VrlContext(ORG, cipher, Clock.systemUTC());
        // both contenders must produce the same events
        for (Map<String, Object> e : events.subList(0, 50)) {
            Map<String, Object> a = new LinkedHashMap<>(e);
            Map<String, Object> b = new LinkedHashMap<>(e);
            Object vrl = ((VrlResult.Ok) plain.run(a, context)).event();
            handWritten(b, false);
            if (!vrl.equals(b)) {
                throw new IllegalStateException("VRL and hand-written transforms differ: " + vrl + " vs " + b);
            }
        }
    }

    /** The fixed cost both contenders pay: copying each event (subtract it to compare the transforms alone). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void copyOnly(Blackhole bh) {
        for (Map<String, Object> e : events) {
            bh.consume(new LinkedHashMap<>(e));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void vrlPlain(Blackhole bh) {
        for (Map<String, Object> e : events) {
            bh.consume(plain.run(new LinkedHashMap<>(e), context));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void handWrittenPlain(Blackhole bh) {
        for (Map<String, Object> e : events) {
            Map<String, Object> copy = new LinkedHashMap<>(e);
            handWritten(copy, false);
            bh.consume(copy);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void vrlEncrypt(Blackhole bh) {
        for (Map<String, Object> e : events) {
            bh.consume(encrypting.run(new LinkedHashMap<>(e), context));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void handWrittenEncrypt(Blackhole bh) {
        for (Map<String, Object> e : events) {
            Map<String, Object> copy = new LinkedHashMap<>(e);
            handWritten(copy, true);
            bh.consume(copy);
        }
    }

    /** The same six steps as the programs, in plain Java. */
    private void handWritten(Map<String, Object> e, boolean encrypt) {
        e.put("message", e.remove("Content"));
        Object level = e.get("Level");
        e.put("level", level instanceof String s ? s.toLowerCase(Locale.ROOT) : "info");
        e.remove("Level");
        long line;
        Object lineId = e.get("LineId");
        if (lineId instanceof String s) {
            try {
                line = Long.parseLong(s.trim());
            } catch (NumberFormatException ex) {
                line = 0;
            }
        } else {
            line = 0;
        }
        e.put("line", line);
        e.remove("EventTemplate");
        if (encrypt) {
            Object m = e.get("message");
            if (m != null && !(m instanceof String)) {
                throw new IllegalStateException("message is not a string");
            }
            e.put("message", cipher.encrypt(ORG, "pii", "message", (String) m));
        } else {
            e.put("service", "loghub");
        }
    }

    static List<Map<String, Object>> loadEvents(Path dir) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*_structured.csv")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            List<List<String>> rows = parseCsv(Files.readString(f, StandardCharsets.UTF_8));
            List<String> header = rows.get(0);
            for (List<String> row : rows.subList(1, rows.size())) {
                Map<String, Object> e = new LinkedHashMap<>();
                for (int i = 0; i < header.size() && i < row.size(); i++) {
                    e.put(header.get(i), row.get(i));
                }
                out.add(e);
            }
        }
        return out;
    }

    /** RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF line ends. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    /**
     * A test-grade AES-256-GCM {@link CipherFunctions} (random 96-bit nonce, associated data org|key|field); the
     * real one is molesignal-crypto's. One key, one thread.
     */
    static final class BenchCipher implements CipherFunctions {
        private final SecureRandom random = new SecureRandom();
        private final SecretKeySpec key;
        private final Cipher cipher;

        BenchCipher() {
            byte[] k = new byte[32];
            random.nextBytes(k);
            key = new SecretKeySpec(k, "AES");
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String encrypt(OrgId org, String keyName, String field, String plaintext) {
            if (plaintext == null) {
                return null;
            }
            try {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                cipher.updateAAD((org.value() + "|" + keyName + "|" + field).getBytes(StandardCharsets.UTF_8));
                byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String decrypt(OrgId org, String keyName, String field, String ciphertext) {
            throw new UnsupportedOperationException("not needed by the benchmark");
        }

        @Override
        public KeyKind keyKind(OrgId org, String keyName) {
            return KeyKind.RANDOMIZED;
        }

        @Override
        public List<String> candidateCiphertexts(OrgId org, String keyName, String field, String plaintext) {
            throw new UnsupportedOperationException("not needed by the benchmark");
        }
    }
}
