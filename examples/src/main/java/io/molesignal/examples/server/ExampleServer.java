package io.molesignal.examples.server;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.db.RowLevelSecurity;
import io.molesignal.core.db.TenantSession;
import io.molesignal.auth.AuthResult;
import io.molesignal.auth.MoleSignalAuth;
import io.molesignal.auth.SecretText;
import io.molesignal.auth.TokenAuthenticator;
import io.molesignal.core.ingest.IngestAdmission;
import io.molesignal.core.quota.AlertSink;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.spi.SecretSealer;
import io.molesignal.core.vrl.StreamFunctions;
import io.molesignal.crypto.CipherRootKey;
import io.molesignal.crypto.FieldCipher;
import io.molesignal.query.QueryExecutor;
import io.molesignal.query.TargetDialect;
import io.molesignal.query.TenantQueryPlanner;
import io.molesignal.core.ingest.IngestPipeline;
import io.molesignal.core.org.OrgDirectory;
import io.molesignal.examples.http.ApiServlet;
import io.molesignal.examples.http.Authentication;
import io.molesignal.examples.http.Route;

/**
 * The example host: one object graph over one database, served by Jetty 12. {@link #start(ServerConfig)} migrates
 * the database, bootstraps what API.md says, and binds; {@link #close()} stops accepting, lets requests finish,
 * flushes pending audit entries, and closes the pool.
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);

    private final HikariDataSource dataSource;
    private final AuditLog audit;
    private final MoleSignalAuth auth;
    private IngestPipeline pipeline;
    private QueryExecutor executor;
    private QuotaGovernor quotas;
    private final Server jetty;
    private final PrometheusMeterRegistry metrics;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicLong sessionPurgeRuns = new AtomicLong();
    /** Periodic housekeeping (expired-session purge); stopped by {@link #close()}. */
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "molesignal-maintenance");
        t.setDaemon(true);
        return t;
    });

    private ExampleServer(ServerConfig cfg) throws Exception {
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        dataSource = openPool(cfg, metrics);
        try {
            Database database = Database.of(dataSource);
            warnIfSuperuser(database);
            for (String module : List.of("core", "auth", "crypto")) {
                database.migrate(module);
            }
            database.migrate("example", "classpath:db/molesignal/example/common", "classpath:db/molesignal/example/{vendor}");
            SecureRandom random = new SecureRandom();
            // MS_CIPHER_KEY: absent → encryption disabled; malformed → start-up stops naming the variable.
            Optional<CipherRootKey> rootKey = CipherRootKey.fromEnvironment(cfg.env());
            SecretSealer sealer = rootKey.map(CipherRootKey::sealer).orElse(null);
            rootKey.ifPresent(k -> k.checkDatabase(database, cfg.clock()));

            audit = AuditLog.builder(database).clock(cfg.clock()).sealer(sealer).random(random).build();
            CursorCodec cursors = CursorCodec.load(database, sealer, random, cfg.clock());
            OrgDirectory orgs = OrgDirectory.builder(database, audit, cursors).clock(cfg.clock()).build();

            MoleSignalAuth.Builder authBuilder = MoleSignalAuth.builder(database, audit, orgs, cursors)
                    .clock(cfg.clock()).random(random).sealer(sealer);
            if (!cfg.loginThrottle()) {
                authBuilder.disableLoginThrottleForTests();
            }
            auth = authBuilder.build();
            closeables.add(auth);
            closeables.add(this::stopMaintenance); // closed before auth: no purge runs on a closed pool
            long purgeMillis = cfg.sessionPurgeInterval().toMillis();
            maintenance.scheduleWithFixedDelay(this::purgeExpiredSessions, purgeMillis, purgeMillis,
                    TimeUnit.MILLISECONDS);
            String rootEmail = cfg.env().getOrDefault("MS_ROOT_EMAIL", "root@molesignal.local");
            String rootPassword = cfg.env().get("MS_ROOT_PASSWORD");
            auth.bootstrapRoot(rootEmail, rootPassword == null || rootPassword.isEmpty() ? null
                    : SecretText.of(rootPassword)).ifPresent(generated ->
                    // Printed once to standard output, never logged.
                    System.out.println("root password: " + generated.reveal()));

            FieldCipher cipher = FieldCipher.builder(database, audit).rootKey(rootKey.orElse(null))
                    .clock(cfg.clock()).random(random).cursorCodec(cursors).build();
            closeables.add(cipher);

            RowLevelSecurity rls = null;
            TenantSession.Builder session = TenantSession.builder(database);
            if (cfg.rowLevelSecurity() && database.dialect() == Dialect.POSTGRESQL) {
                rls = RowLevelSecurity.defaults();
                rls.apply(database, ExampleTables.ALL.stream().map(t -> t.tenantTable()).toList());
                session.rowLevelSecurity(rls);
            }
            TenantSession tenant = session.build();

            QuotaGovernor.Builder qb = QuotaGovernor.builder(database, audit).clock(cfg.clock()).tenantSession(tenant)
                    .alertSink(cfg.alertWebhook() == null ? AlertSink.logging() : new WebhookAlertSink(cfg.alertWebhook()));
            ExampleTables.ALL.forEach(t -> qb.eventTable(t.quotaTable()));
            quotas = qb.build();
            closeables.add(quotas);

            StreamFunctions functions = StreamFunctions.builder(database, audit).cipher(cipher.enabled() ? cipher : null)
                    .clock(cfg.clock()).build();
            closeables.add(functions);
            pipeline = IngestPipeline.builder(tenant, IngestAdmission.of(quotas))
                    .streamFunctions(functions, cipher.enabled() ? cipher : null).clock(cfg.clock()).build();

            TenantQueryPlanner planner = TenantQueryPlanner.builder().catalog(ExampleCatalog.catalog())
                    .dialect(database.dialect() == Dialect.POSTGRESQL ? TargetDialect.POSTGRESQL : TargetDialect.H2)
                    .build();
            closeables.add(planner);
            planner.warmUp();
            QueryExecutor.Builder eb = QueryExecutor.builder().database(database).planner(planner)
                    .cipherFunctions(cipher).maxRows(100_000).statementTimeout(Duration.ofSeconds(30));
            if (rls != null) {
                eb.rowLevelSecurity(rls);
            }
            executor = eb.build();

            List<Route> routes = new ArrayList<>();
            routes.addAll(new CoreRoutes(database, audit, metrics).routes());
            routes.addAll(new AuthRoutes(auth, new QuotaRoutes(quotas)).routes());
            routes.addAll(new QuotaRoutes(quotas).routes());
            routes.addAll(new CipherRoutes(cipher.keys()).routes());
            routes.addAll(new StreamRoutes(functions, tenant,
                    (call, stream) -> quotas.deleteStream(call.principal(), call.audit(), stream)).routes());
            routes.addAll(new IngestRoutes(pipeline, metrics).routes());
            routes.addAll(new QueryRoutes(planner, executor, quotas).routes());
            TokenAuthenticator authenticator = auth.authenticator();
            Authentication authentication = header -> {
                AuthResult result = authenticator.authenticate(header);
                if (result instanceof AuthResult.Authenticated a) {
                    return new Authentication.Authenticated(a.principal(), a.principal().subject());
                }
                AuthResult.Rejected r = (AuthResult.Rejected) result;
                return new Authentication.Rejected(r.reason().name().toLowerCase(java.util.Locale.ROOT),
                        r.wwwAuthenticate(), "invalid or missing credentials");
            };
            ApiServlet servlet = new ApiServlet(routes, authentication, audit, metrics, cfg.maxBodyBytes());
            jetty = jetty(cfg, servlet);
            jetty.start();
            LOG.info("MoleSignal example server listening on {}", baseUri());
        } catch (Exception | Error e) {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                try {
                    closeables.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            dataSource.close();
            throw e;
        }
    }

    /** One run of the session purge; a failure is logged and the next run tries again. */
    private void purgeExpiredSessions() {
        try {
            int purged = auth.purgeExpiredSessions();
            metrics.counter("molesignal.auth.sessions.purged").increment(purged);
        } catch (RuntimeException e) {
            LOG.warn("purging expired login sessions failed (retried at the next interval): {}", e.toString());
        } finally {
            sessionPurgeRuns.incrementAndGet();
        }
    }

    /** How many times the expired-session purge has run (failed runs included); for tests and monitoring. */
    public long sessionPurgeRuns() {
        return sessionPurgeRuns.get();
    }

    private void stopMaintenance() throws InterruptedException {
        maintenance.shutdown(); // cancels the next runs; a purge in progress finishes
        maintenance.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Starts a server. */
    public static ExampleServer start(ServerConfig cfg) throws Exception {
        return new ExampleServer(cfg);
    }

    private static HikariDataSource openPool(ServerConfig cfg, PrometheusMeterRegistry metrics) throws Exception {
        HikariConfig hc = new HikariConfig();
        if (cfg.dbUrl() == null || cfg.dbUrl().isBlank()) {
            Files.createDirectories(cfg.dataDir());
            Path file = cfg.dataDir().toAbsolutePath().resolve("molesignal");
            hc.setJdbcUrl("jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000");
        } else {
            hc.setJdbcUrl(cfg.dbUrl());
            hc.setUsername(cfg.dbUser());
            hc.setPassword(cfg.dbPassword());
        }
        hc.setPoolName("molesignal");
        hc.setMaximumPoolSize(16);
        hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        return new HikariDataSource(hc);
    }

    private static void warnIfSuperuser(Database database) {
        if (database.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        boolean superuser = database.inTransaction(tx -> {
            try (Statement st = tx.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        if (superuser) {
            LOG.warn("the database role is a superuser or has BYPASSRLS: row-level security does not apply to it; "
                    + "tenant work switches to the non-bypassing role when the RLS wall is on");
        }
    }

    private static Server jetty(ServerConfig cfg, ApiServlet servlet) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("molesignal-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(cfg.host());
        connector.setPort(cfg.port());
        connector.setIdleTimeout(cfg.requestTimeout().toMillis());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder("api", servlet), "/*");
        server.setHandler(context);
        server.setStopTimeout(10_000);
        server.setStopAtShutdown(false);
        return server;
    }

    /** The bound port. */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** {@code http://host:port}. */
    public URI baseUri() {
        ServerConnector c = (ServerConnector) jetty.getConnectors()[0];
        return URI.create("http://" + c.getHost() + ":" + c.getLocalPort());
    }

    /** The ingest pipeline behind the ingest routes (for in-process comparisons in benchmarks). */
    public IngestPipeline pipeline() {
        return pipeline;
    }

    /** The query executor behind the query route. */
    public QueryExecutor queryExecutor() {
        return executor;
    }

    /** The quota governor. */
    public QuotaGovernor quotas() {
        return quotas;
    }

    /** Waits until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            audit.close(); // flushes pending coalesced audit entries
            dataSource.close();
            metrics.close();
        }
    }
}
