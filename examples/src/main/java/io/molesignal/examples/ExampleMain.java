package io.molesignal.examples;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.VerifyResult;
import io.molesignal.core.db.Database;
import io.molesignal.core.org.OrgDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The example host's command line. */
@Command(name = "molesignal-example", mixinStandardHelpOptions = true,
        subcommands = {ExampleMain.Serve.class, ExampleMain.Demo.class, ExampleMain.Migrate.class, ExampleMain.Version.class},
        description = "MoleSignal example host.")
public final class ExampleMain implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExampleMain()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Database options shared by the commands: H2 file database by default, PostgreSQL with --db-url. */
    static final class DbOptions {
        @Option(names = "--db-url", defaultValue = "${env:MS_DB_URL}", description = "JDBC URL (default: H2 file database under ./molesignal-data)")
        String url;
        @Option(names = "--db-user", defaultValue = "${env:MS_DB_USER}")
        String user;
        @Option(names = "--db-password", defaultValue = "${env:MS_DB_PASSWORD}")
        String password;

        HikariDataSource open() {
            HikariConfig cfg = new HikariConfig();
            if (url == null || url.isBlank()) {
                Path dir = Path.of("molesignal-data").toAbsolutePath();
                cfg.setJdbcUrl("jdbc:h2:file:" + dir.resolve("molesignal") + "");
            } else {
                cfg.setJdbcUrl(url);
                cfg.setUsername(user);
                cfg.setPassword(password);
            }
            cfg.setMaximumPoolSize(8);
            cfg.setPoolName("molesignal");
            return new HikariDataSource(cfg);
        }
    }

    @Command(name = "serve", description = "Run the example server (the main job).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        DbOptions db = new DbOptions();
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default 127.0.0.1)")
        String host;
        @Option(names = "--port", defaultValue = "8080", description = "Port (default 8080; 0 = any free port)")
        int port;
        @Option(names = "--data-dir", defaultValue = "molesignal-data", description = "Directory of the embedded H2 database")
        Path dataDir;
        @Option(names = "--login-throttle", defaultValue = "on", description = "on | off (off only for tests)")
        String loginThrottle;
        @Option(names = "--alert-webhook", description = "URL that quota alerts are posted to as JSON")
        java.net.URI alertWebhook;
        @Option(names = "--rls", defaultValue = "false", description = "Also run tenant work under PostgreSQL row-level security")
        boolean rls;

        @Override
        public Integer call() throws Exception {
            if (!loginThrottle.equals("on") && !loginThrottle.equals("off")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--login-throttle must be on or off");
            }
            io.molesignal.examples.server.ServerConfig cfg = io.molesignal.examples.server.ServerConfig
                    .defaults(System.getenv()).withHost(host).withPort(port).withDataDir(dataDir)
                    .withDatabase(db.url == null || db.url.isBlank() ? null : db.url, db.user, db.password)
                    .withLoginThrottle(loginThrottle.equals("on")).withAlertWebhook(alertWebhook)
                    .withRowLevelSecurity(rls);
            io.molesignal.examples.server.ExampleServer server = io.molesignal.examples.server.ExampleServer.start(cfg);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close(); // graceful: finish requests, flush audit and last-used writes
                } catch (Exception e) {
                    System.err.println("shutdown: " + e);
                }
            }, "molesignal-shutdown"));
            System.out.println("MoleSignal example server listening on " + server.baseUri());
            server.join();
            return 0;
        }
    }

    @Command(name = "migrate", description = "Run the database migrations and exit.")
    static final class Migrate implements Callable<Integer> {
        @CommandLine.Mixin
        DbOptions db = new DbOptions();

        @Override
        public Integer call() {
            try (HikariDataSource ds = db.open()) {
                Database database = Database.of(ds);
                for (String module : new String[] {"core", "auth", "crypto"}) {
                    database.migrate(module);
                }
                database.migrate("example", "classpath:db/molesignal/example/common", "classpath:db/molesignal/example/{vendor}");
                System.out.println("migrations applied");
            }
            return 0;
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class Version implements Callable<Integer> {
        @Override
        public Integer call() {
            String v = ExampleMain.class.getPackage().getImplementationVersion();
            System.out.println("molesignal " + (v == null ? "development build" : v));
            return 0;
        }
    }

    @Command(name = "demo", description = "Create an org, change it, read and verify its audit log.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        DbOptions db = new DbOptions();

        @Option(names = "--org", defaultValue = "demo-org", description = "Name of the org to create")
        String org;

        @Override
        public Integer call() {
            try (HikariDataSource ds = db.open()) {
                Database database = Database.of(ds);
                database.migrate("core");
                Clock clock = Clock.systemUTC();
                try (AuditLog audit = AuditLog.builder(database).clock(clock).build()) {
                    CursorCodec cursors = CursorCodec.load(database, null, new SecureRandom(), clock);
                    OrgDirectory orgs = OrgDirectory.builder(database, audit, cursors).clock(clock).build();
                    // In a real host the principal comes from TokenAuthenticator; the demo acts as the platform root.
                    Principal root = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "demo",
                            Set.of());
                    AuditContext ctx = new AuditContext(Actor.of(root, "root@molesignal.local"), "demo-1", null);
                    OrgId id = OrgId.of(org);
                    if (orgs.get(id).isEmpty()) {
                        orgs.create(root, ctx, id);
                        System.out.println("created org " + id);
                    }
                    boolean disabled = orgs.get(id).orElseThrow().disabled();
                    orgs.setDisabled(root, ctx, id, !disabled);
                    System.out.println("org " + id + " disabled=" + !disabled);
                    Principal owner = new Principal(id, "demo-owner", Role.OWNER, CredentialKind.JWT, "demo",
                            Set.of());
                    for (AuditEntry e : audit.query(owner, AuditQuery.newest().withLimit(5)).entries()) {
                        System.out.printf("audit seq=%d %s %s %s by %s%n", e.seq(), e.timestamp(), e.action(),
                                e.outcome().wireName(), e.actor().name());
                    }
                    VerifyResult v = audit.verify(id);
                    System.out.println("audit chain of " + id + ": ok=" + v.ok() + " entries=" + v.entries());
                    return v.ok() ? 0 : 1;
                }
            }
        }
    }
}
