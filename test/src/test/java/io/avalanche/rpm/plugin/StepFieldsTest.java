package io.avalanche.rpm.plugin;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the default build, without Jenkins: every field a step or key configuration takes (its {@code @DataBoundConstructor}
 * parameters and {@code @DataBoundSetter}s, inherited ones included) has a help-FIELD.html next to its class or an
 * ancestor's (where Jenkins' Descriptor.getHelpFile looks) and an entry in the concrete class's config.jelly (the
 * snippet generator's form), and every concrete configurable class has a help.html.
 */
class StepFieldsTest {
    static final Path PLUGIN = PipelineScriptsTest.PLUGIN;
    static final Path MAIN = PLUGIN.resolve("src/main/java");
    static final Path VIEWS = PLUGIN.resolve("src/main/resources/io/avalanche/rpm/jenkins");

    /** A configurable class as its source declares it. */
    record Configurable(String name, String superclass, boolean isAbstract, Set<String> fields) {
    }

    static Map<String, Configurable> configurables(List<PluginTestSources.JavaSource> sources) {
        Map<String, Configurable> r = new LinkedHashMap<>();
        for (PluginTestSources.JavaSource s : sources) {
            for (Tree t : s.unit().getTypeDecls()) {
                if (!(t instanceof ClassTree c)) {
                    continue;
                }
                Set<String> fields = new LinkedHashSet<>();
                for (Tree m : c.getMembers()) {
                    if (!(m instanceof MethodTree method)) {
                        continue;
                    }
                    if (annotated(method, "DataBoundConstructor")) {
                        for (VariableTree p : method.getParameters()) {
                            fields.add(p.getName().toString());
                        }
                    }
                    String n = method.getName().toString();
                    if (annotated(method, "DataBoundSetter") && n.startsWith("set") && n.length() > 3) {
                        fields.add(Character.toLowerCase(n.charAt(3)) + n.substring(4));
                    }
                }
                String superclass = c.getExtendsClause() == null ? null : c.getExtendsClause().toString();
                boolean isAbstract = c.getModifiers().getFlags().contains(javax.lang.model.element.Modifier.ABSTRACT);
                r.put(c.getSimpleName().toString(), new Configurable(c.getSimpleName().toString(), superclass,
                        isAbstract, fields));
            }
        }
        return r;
    }

    /** The fields a class takes, its own and those it inherits from the classes above it in {@code classes}. */
    static Set<String> inherited(Map<String, Configurable> classes, String name) {
        Set<String> fields = new LinkedHashSet<>();
        for (Configurable a = classes.get(name); a != null; a = a.superclass() == null ? null : classes.get(a.superclass())) {
            fields.addAll(a.fields());
        }
        return fields;
    }

    private static boolean annotated(MethodTree m, String annotation) {
        for (AnnotationTree a : m.getModifiers().getAnnotations()) {
            if (a.getAnnotationType().toString().endsWith(annotation)) {
                return true;
            }
        }
        return false;
    }

    /** What is missing: "Class.field: no help-field.html", "Class.field: not in config.jelly", "Class: no help.html". */
    static List<String> problems(Map<String, Configurable> classes, Path views) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Configurable c : classes.values()) {
            if (c.isAbstract()) {
                continue;
            }
            List<String> lineage = new ArrayList<>();
            Set<String> fields = new LinkedHashSet<>();
            for (Configurable a = c; a != null; a = a.superclass() == null ? null : classes.get(a.superclass())) {
                lineage.add(a.name());
                fields.addAll(a.fields());
            }
            if (fields.isEmpty()) {
                continue;
            }
            if (!Files.isRegularFile(views.resolve(c.name()).resolve("help.html"))) {
                problems.add(c.name() + ": no help.html");
            }
            Path config = views.resolve(c.name()).resolve("config.jelly");
            String jelly = Files.isRegularFile(config) ? Files.readString(config) : "";
            for (String f : fields) {
                if (lineage.stream().noneMatch(a -> Files.isRegularFile(views.resolve(a).resolve("help-" + f + ".html")))) {
                    problems.add(c.name() + "." + f + ": no help-" + f + ".html for " + lineage);
                }
                if (!jelly.contains("field=\"" + f + "\"")) {
                    problems.add(c.name() + "." + f + ": not in " + c.name() + "/config.jelly");
                }
            }
        }
        return problems;
    }

    @Test
    void everyFieldOfEveryStepAndKeyHasHelpAndAFormEntry() throws IOException {
        Map<String, Configurable> classes = configurables(PluginTestSources.parseJava(
                PluginTestSources.files(MAIN, ".java")));
        // the steps and keys this check covers, the lifecycle steps with their inherited fields
        assertThat(classes.keySet()).contains("RpmBuildStep", "RpmSignStep", "RpmPublishStep", "RpmValidateStep",
                "RpmPlanStep", "RpmPruneStep", "RpmYankStep", "RpmUnyankStep", "KeyFileSource", "Pkcs11Source");
        assertThat(classes.get("RpmPruneStep").superclass()).isEqualTo("LifecycleStep");
        assertThat(inherited(classes, "LifecycleStep")).contains("layout", "key");
        assertThat(inherited(classes, "RpmValidateStep")).contains("key", "publicKey", "trustPublishedKey", "layout",
                "release");
        assertThat(problems(classes, VIEWS)).isEmpty();
    }

    @Test
    void theCheckFindsAMissingHelpFileAndFormEntry() throws IOException {
        Path tmp = Files.createTempDirectory("step-fields");
        try {
            Path src = tmp.resolve("src");
            Files.createDirectories(src);
            Files.writeString(src.resolve("BaseStep.java"), "abstract class BaseStep {\n"
                    + "  BaseStep(String to) {}\n  @DataBoundSetter public void setLayout(String l) {}\n}\n");
            Files.writeString(src.resolve("MyStep.java"), "final class MyStep extends BaseStep {\n"
                    + "  @DataBoundConstructor MyStep(String to, Integer keep) { super(to); }\n"
                    + "  @DataBoundSetter public void setApply(boolean a) {}\n}\n");
            Path views = tmp.resolve("views");
            Files.createDirectories(views.resolve("MyStep"));
            Files.createDirectories(views.resolve("BaseStep"));
            Files.writeString(views.resolve("MyStep/config.jelly"), "<f:entry field=\"keep\"/><f:entry field=\"apply\"/>"
                    + "<f:entry field=\"layout\"/>");
            Files.writeString(views.resolve("MyStep/help-keep.html"), "<div/>");
            Files.writeString(views.resolve("BaseStep/help-layout.html"), "<div/>");   // inherited help is found
            Map<String, Configurable> classes = configurables(PluginTestSources.parseJava(
                    PluginTestSources.files(src, ".java")));
            assertThat(classes.get("MyStep").fields()).containsExactly("to", "keep", "apply");
            assertThat(problems(classes, views)).containsExactlyInAnyOrder("MyStep: no help.html",
                    "MyStep.apply: no help-apply.html for [MyStep, BaseStep]",
                    "MyStep.to: no help-to.html for [MyStep, BaseStep]", "MyStep.to: not in MyStep/config.jelly");
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
