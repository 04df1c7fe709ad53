package io.molesignal.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built example server ({@code molesignal-example.jar serve}) in its own JVM, so a benchmark's HTTP client does
 * not share a JIT, a heap or a garbage collector with the server it measures.
 *
 * <p>The process binds 127.0.0.1 on a free port ({@code --port 0}); the bound address is read from the line
 * {@code MoleSignal example server listening on http://…} of its standard output. Its output goes to a log file in
 * a fresh working directory (named on failure). {@link #close()} sends SIGTERM (the server's graceful shutdown),
 * kills the process after 20 s, and deletes that directory. Not thread-safe.
 *
 * <p>Settings: the jar is {@code MS_EXAMPLE_JAR} (default {@code examples/target/molesignal-example.jar}); extra JVM
 * options for the server are {@code MS_BENCH_SERVER_JVM_ARGS} (space-separated, e.g. a
 * {@code -XX:StartFlightRecording=…} to profile the server alone).
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final Path dir;
    private final Path log;
    private final URI baseUri;

    private ServerProcess(Process process, Path dir, Path log, URI baseUri) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.baseUri = baseUri;
    }

    /**
     * Starts {@code serve} against a PostgreSQL database, login throttle off, and waits (at most 120 s) until it
     * listens.
     *
     * @param jdbcUrl the PostgreSQL JDBC URL (with {@code currentSchema} when the benchmark uses its own schema)
     * @param user the database user
     * @param env extra environment ({@code MS_ROOT_PASSWORD}…)
     * @throws IOException when the jar is missing or the process ends or stays silent before it listens
     */
    static ServerProcess start(String jdbcUrl, String user, Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getenv().getOrDefault("MS_EXAMPLE_JAR", "examples/target/molesignal-example.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no example server jar at " + jar + " (build it, or set MS_EXAMPLE_JAR)");
        }
        Path dir = Files.createTempDirectory("ms-bench-server");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getenv().getOrDefault("MS_BENCH_SERVER_JVM_ARGS", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--login-throttle", "off",
                "--db-url", jdbcUrl, "--db-user", user));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("MS_DB_URL");
        pb.environment().remove("MS_DB_PASSWORD");
        pb.environment().putAll(env);
        Path log = dir.resolve("server.log");
        Process p = pb.start();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, log, listening), "ms-bench-server-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ServerProcess(p, dir, log, listening.get(120, TimeUnit.SECONDS));
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly();
            throw new IOException("the example server did not start; its output: " + log, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the example server", e);
        }
    }

    /** Copies the process output to the log file and completes {@code listening} with the bound address. */
    private static void pump(Process p, Path log, CompletableFuture<URI> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IOException("the example server exited"));
    }

    /** {@code http://127.0.0.1:port}. */
    URI baseUri() {
        return baseUri;
    }

    /** Where the server's output goes. */
    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy(); // SIGTERM: the server's shutdown hook stops Jetty and flushes audit entries
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var paths = Files.walk(dir)) { // the working directory (log, unused H2 directory)
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
