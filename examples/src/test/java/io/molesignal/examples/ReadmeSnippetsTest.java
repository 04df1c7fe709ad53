package io.molesignal.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Keeps README's Java snippets compiling against the current public API. */
class ReadmeSnippetsTest {
    /** The JDK types snippets use, and every public MoleSignal package (never an internal one). */
    static String imports() {
        StringBuilder sb = new StringBuilder("import java.security.SecureRandom;\nimport java.time.*;\n"
                + "import java.util.*;\nimport javax.sql.DataSource;\n");
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.molesignal").stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && !c.getSimpleName().equals("package-info"))
                .map(c -> c.getPackageName())
                .filter(p -> !p.contains(".internal") && !p.contains(".testing") && !p.startsWith("io.molesignal.examples")
                        && !p.startsWith("io.molesignal.bench"))
                .distinct().sorted().forEach(p -> sb.append("import ").append(p).append(".*;\n"));
        return sb.toString();
    }

    static List<String> snippets() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyJavaSnippetInTheReadmeCompiles() throws IOException {
        List<String> snippets = snippets();
        assertThat(snippets).as("README has Java snippets").isNotEmpty();
        List<JavaFileObject> sources = new ArrayList<>();
        String imports = imports();
        for (int i = 0; i < snippets.size(); i++) {
            String src = imports + "\nclass Snippet" + i + " {\n"
                    + "  static Object run(DataSource dataSource, SecretSealer sealer, Principal principal)"
                    + " throws Exception {\n" + snippets.get(i) + "\n    return null;\n  }\n}\n";
            String name = "Snippet" + i;
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return src;
                }
            });
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createTempDirectory("snippets");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(diagnostics, fm, null,
                    List.of("-classpath", cp, "-d", out.toString(), "-proc:none", "-Xlint:none"), null, sources).call();
            assertThat(ok).as("README snippets compile:\n" + diagnostics).isTrue();
        }
        assertThat(new File(out.toFile(), "Snippet0.class")).exists();
    }
}
