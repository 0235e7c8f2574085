package io.avalanche.rpm.plugin;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.Phases;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks the default build runs over the Jenkins plugin's tests, which only build with -Pjenkins: every pipeline
 * script parses with the Groovy Jenkins runs (2.4.21), no pipeline code hides in a Java string, and no JTH test class
 * resolves JenkinsRule twice per test (each resolution starts another Jenkins in jenkins-test-harness 2537). Java
 * sources are read with javac's parser: no Jenkins class is needed.
 */
final class PluginTestSources {
    /** What a placeholder is replaced with before parsing: breaks any context but a single-quoted string. */
    static final String PROBE = "it's a \\ \"probe\" ${x\nsecond line";
    /** Calls that only pipeline code makes: a Java string holding one is a pipeline script outside pipelines/. */
    static final Pattern PIPELINE_CODE = Pattern.compile(
            "\\b(node|rpm(Build|Sign|Publish|Validate|BuilderImage|Plan|Release)|withAWS|withEnv|sh)\\s*\\(|@Library\\b");
    private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z][A-Z0-9_]*)@@");
    private static final List<String> PER_TEST_METHODS = List.of("BeforeEach", "AfterEach");
    private static final List<String> TEST_METHODS = List.of("Test", "ParameterizedTest", "RepeatedTest",
            "TestFactory", "TestTemplate");

    private PluginTestSources() {
    }

    /** The Groovy 2.4.21 parser's complaint about a script, or null when it parses (to an AST, as CPS needs first). */
    static String groovyProblem(String name, String script) {
        CompilationUnit unit = new CompilationUnit(new CompilerConfiguration());
        unit.addSource(name, script);
        try {
            unit.compile(Phases.CONVERSION);
            return null;
        } catch (CompilationFailedException e) {
            return e.getMessage().replace('\n', ' ').replaceAll("\\s+", " ").trim();
        }
    }

    /** Escapes a value as the plugin tests' Pipeline.with does, for a single-quoted Groovy string. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The script with every @@KEY@@ replaced by the escaped probe. */
    static String withProbes(String script) {
        return PLACEHOLDER.matcher(script).replaceAll(Matcher.quoteReplacement(escape(PROBE)));
    }

    static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parsed Java source: its name, tree and positions. */
    record JavaSource(String name, CompilationUnitTree unit, SourcePositions positions) {
        long line(Tree t) {
            return unit.getLineMap().getLineNumber(positions.getStartPosition(unit, t));
        }
    }

    /** Parses Java sources (syntax only; nothing is resolved, so no Jenkins class is needed). */
    static List<JavaSource> parseJava(List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> objects = fm.getJavaFileObjectsFromPaths(files);
            JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null, objects);
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            List<JavaSource> r = new ArrayList<>();
            for (CompilationUnitTree u : task.parse()) {
                r.add(new JavaSource(Path.of(u.getSourceFile().toUri()).getFileName().toString(), u, positions));
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "File:line: text" for every string literal in the sources that holds pipeline code. */
    static List<String> inlinePipelineCode(List<JavaSource> sources) {
        List<String> found = new ArrayList<>();
        for (JavaSource s : sources) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitLiteral(LiteralTree t, Void v) {
                    if (t.getValue() instanceof String text && PIPELINE_CODE.matcher(text).find()) {
                        found.add(s.name() + ":" + s.line(t) + ": " + text.strip().replace("\n", "\\n"));
                    }
                    return null;
                }
            }.scan(s.unit(), null);
        }
        return found;
    }

    /** "File:line" of every {@code new CpsFlowDefinition(} outside {@code allowedFile}. */
    static List<String> flowDefinitions(List<JavaSource> sources, String allowedFile) {
        List<String> found = new ArrayList<>();
        for (JavaSource s : sources) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitNewClass(com.sun.source.tree.NewClassTree t, Void v) {
                    if (t.getIdentifier().toString().endsWith("CpsFlowDefinition") && !s.name().equals(allowedFile)) {
                        found.add(s.name() + ":" + s.line(t));
                    }
                    return super.visitNewClass(t, v);
                }
            }.scan(s.unit(), null);
        }
        return found;
    }

    /**
     * Classes that resolve JenkinsRule more than once per test: a @BeforeEach or @AfterEach method takes it and so
     * does another method of the class (a test or the other lifecycle method), or one method takes it twice.
     * jenkins-test-harness 2537's JenkinsExtension calls rule.before() on every resolution: the test then runs on a
     * second, fresh Jenkins and the first one leaks. Take it once, in @BeforeEach, and keep it in a field.
     */
    static List<String> jenkinsRuleTakenTwice(List<JavaSource> sources) {
        List<String> found = new ArrayList<>();
        for (JavaSource s : sources) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitClass(ClassTree c, Void v) {
                    Map<String, String> takers = new LinkedHashMap<>();   // method -> role, in source order
                    List<String> perTest = new ArrayList<>();
                    for (Tree member : c.getMembers()) {
                        if (member instanceof MethodTree m) {
                            long rules = m.getParameters().stream().filter(PluginTestSources::isJenkinsRule).count();
                            String role = role(m);
                            if (rules > 1) {
                                found.add(s.name() + ":" + s.line(m) + ": " + c.getSimpleName() + "." + m.getName()
                                        + " takes JenkinsRule " + rules + " times");
                            }
                            if (rules > 0 && role != null) {
                                takers.put(m.getName().toString(), role);
                                if (PER_TEST_METHODS.contains(role)) {
                                    perTest.add(m.getName().toString());
                                }
                            }
                        }
                    }
                    if (!perTest.isEmpty() && takers.size() > 1) {
                        List<String> all = new ArrayList<>();
                        takers.forEach((m, r) -> all.add("@" + r + " " + m));
                        found.add(s.name() + ":" + s.line(c) + ": " + c.getSimpleName() + " takes JenkinsRule in "
                                + String.join(" and ", all) + "; take it only in @" + takers.get(perTest.get(0))
                                + " and keep it in a field");
                    }
                    return super.visitClass(c, v);
                }
            }.scan(s.unit(), null);
        }
        return found;
    }

    private static boolean isJenkinsRule(VariableTree p) {
        String type = p.getType().toString();
        return type.equals("JenkinsRule") || type.endsWith(".JenkinsRule");
    }

    /** The JUnit 5 role of a method: BeforeEach, AfterEach, a test annotation, or null. */
    private static String role(MethodTree m) {
        for (AnnotationTree a : m.getModifiers().getAnnotations()) {
            String name = a.getAnnotationType().toString();
            name = name.substring(name.lastIndexOf('.') + 1);
            if (PER_TEST_METHODS.contains(name) || TEST_METHODS.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** Names given to Pipeline.load("...") (a literal followed by '+' is a prefix: "outside-node-" + function). */
    static List<String> loadedPipelines(List<JavaSource> sources) {
        List<String> names = new ArrayList<>();
        for (JavaSource s : sources) {
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitMethodInvocation(com.sun.source.tree.MethodInvocationTree t, Void v) {
                    if (t.getMethodSelect().toString().equals("Pipeline.load") && t.getArguments().size() == 1) {
                        Tree arg = t.getArguments().get(0);
                        if (arg instanceof LiteralTree l) {
                            names.add(String.valueOf(l.getValue()));
                        } else if (arg instanceof com.sun.source.tree.BinaryTree b
                                && b.getLeftOperand() instanceof LiteralTree l) {
                            names.add(l.getValue() + "*");
                        }
                    }
                    return super.visitMethodInvocation(t, v);
                }
            }.scan(s.unit(), null);
        }
        return names;
    }
}
