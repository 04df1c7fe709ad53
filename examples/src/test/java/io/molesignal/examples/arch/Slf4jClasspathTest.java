package io.molesignal.examples.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The examples classpath holds every module (Calcite included, which pulls an old slf4j-api): exactly one SLF4J API,
 * version 2.x, bound to one provider. The enforcer rule in the parent POM bans 1.x at build time; this checks the
 * result at run time.
 */
class Slf4jClasspathTest {
    @Test
    void exactlyOneSlf4j2ApiAndOneProvider() throws IOException {
        List<URL> apis = Collections.list(getClass().getClassLoader().getResources("org/slf4j/Logger.class"));
        assertThat(apis).hasSize(1);
        // org.slf4j.spi.SLF4JServiceProvider exists only in SLF4J 2.x.
        assertThat(getClass().getClassLoader().getResource("org/slf4j/spi/SLF4JServiceProvider.class")).isNotNull();
        assertThat(Collections.list(getClass().getClassLoader()
                .getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))).hasSize(1);
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("ch.qos.logback");
        // No 1.x static binder lingers.
        assertThat(getClass().getClassLoader().getResource("org/slf4j/impl/StaticLoggerBinder.class")).isNull();
    }
}
