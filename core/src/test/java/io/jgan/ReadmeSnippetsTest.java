package io.jgan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile against the code as it is: each {@code ```java} block is put in
 * a method (with {@code pixels01} and {@code n} standing for the user's own samples) and compiled
 * with the test classpath, so an example cannot drift from the API it shows.
 */
class ReadmeSnippetsTest {

    private static final String IMPORTS = String.join("\n",
            "import io.jgan.config.*;", "import io.jgan.data.*;", "import io.jgan.eval.*;", "import io.jgan.sample.*;",
            "import io.jgan.model.*;", "import io.jgan.session.*;", "import io.jgan.train.*;", "import java.nio.file.*;");

    @TempDir
    Path tmp;

    @Test
    void everyJavaExampleCompiles() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; m.find(); i++) {
            String name = "Snippet" + i;
            String code = IMPORTS + "\nclass " + name + " {\n void run(float[] pixels01, int n) throws Exception {\n"
                    + m.group(1) + "\n }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        assertThat(sources).as("java examples in the README").hasSizeGreaterThanOrEqualTo(3);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-classpath", System.getProperty("java.class.path"), "-d",
                tmp.toString()), null, sources).call();
        assertThat(ok).as(errors.toString()).isTrue();
    }
}
