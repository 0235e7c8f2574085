package io.avalanche.rpm.plugin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the default build, without Jenkins: every pipeline script the plugin's tests run (rpm-release-plugin's
 * src/test/resources/.../pipelines/*.groovy, placeholders replaced by a probe that breaks any context but a
 * single-quoted string) and the shared library (vars/*.groovy, Jenkinsfile.example) parse with Groovy 2.4.21, the
 * Groovy Jenkins runs; no pipeline code hides in a Java string of the plugin's tests, where no parser could reach it.
 */
class PipelineScriptsTest {
    static final Path REPO = Path.of(System.getProperty("rpmRelease.repoRoot"));
    static final Path PLUGIN = Path.of(System.getProperty("rpmRelease.pluginRoot",
            REPO.resolve("rpm-release-plugin").toString()));
    static final Path PIPELINES = PLUGIN.resolve("src/test/resources/io/avalanche/rpm/jenkins/pipelines");
    static final Path TESTS = PLUGIN.resolve("src/test/java");

    static List<Path> scripts() {
        return PluginTestSources.files(PIPELINES, ".groovy");
    }

    @Test
    void everyPipelineScriptOfThePluginTestsParsesWithGroovy2421() {
        List<Path> scripts = scripts();
        assertThat(scripts).as("pipeline scripts in " + PIPELINES + " (the plugin tests load theirs from there)")
                .hasSizeGreaterThan(20);
        List<String> problems = new ArrayList<>();
        for (Path p : scripts) {
            String problem = PluginTestSources.groovyProblem(p.getFileName().toString(),
                    PluginTestSources.withProbes(PluginTestSources.read(p)));
            if (problem != null) {
                problems.add(PLUGIN.relativize(p) + ": " + problem);
            }
        }
        assertThat(problems).as("scripts Groovy 2.4.21 cannot parse (a placeholder must stand inside a "
                + "single-quoted string)").isEmpty();
    }

    @Test
    void theSharedLibraryAndTheExampleJenkinsfileParseWithGroovy2421() {
        List<Path> scripts = new ArrayList<>(PluginTestSources.files(REPO.resolve("vars"), ".groovy"));
        scripts.add(REPO.resolve("Jenkinsfile.example"));
        assertThat(scripts).hasSizeGreaterThan(1);
        for (Path p : scripts) {
            assertThat(PluginTestSources.groovyProblem(p.getFileName().toString(), PluginTestSources.read(p)))
                    .as(p.toString()).isNull();
        }
    }

    @Test
    void noPipelineCodeHidesInAJavaStringOfThePluginTests() {
        List<PluginTestSources.JavaSource> sources = PluginTestSources.parseJava(PluginTestSources.files(TESTS, ".java"));
        assertThat(sources).as("plugin test sources in " + TESTS).hasSizeGreaterThan(5);
        assertThat(PluginTestSources.inlinePipelineCode(sources))
                .as("Java strings with pipeline code: move each script to src/test/resources/io/avalanche/rpm/jenkins/"
                        + "pipelines/NAME.groovy and load it with Pipeline.load(\"NAME\")").isEmpty();
        assertThat(PluginTestSources.flowDefinitions(sources, "Fixtures.java"))
                .as("CpsFlowDefinition made outside Fixtures.job (which takes a Pipeline)").isEmpty();
    }

    @Test
    void everyLoadedScriptExistsAndEveryScriptIsLoaded() {
        List<String> loaded = PluginTestSources.loadedPipelines(
                PluginTestSources.parseJava(PluginTestSources.files(TESTS, ".java")));
        List<String> names = scripts().stream().map(p -> p.getFileName().toString().replaceFirst("\\.groovy$", ""))
                .toList();
        for (String l : loaded) {
            assertThat(names).as("Pipeline.load(\"" + l + "\")")
                    .anyMatch(n -> l.endsWith("*") ? n.startsWith(l.substring(0, l.length() - 1)) : n.equals(l));
        }
        for (String n : names) {
            assertThat(loaded).as("pipelines/" + n + ".groovy is loaded by a test")
                    .anyMatch(l -> l.endsWith("*") ? n.startsWith(l.substring(0, l.length() - 1)) : n.equals(l));
        }
    }

    // ---- the checks can fail: what they say about the code before issue 23 and about broken scripts ----

    /** The script RpmValidateStepTest built before issue 23 (its line 31 put "+ Fixtures.BUILD_SCRIPT +" in the literal). */
    static final String BROKEN_LINE_31 = "node('linux-x86_64') {\n"
            + "  sh  + Fixtures.BUILD_SCRIPT + \n"
            + "  def r = rpmBuild(tag: 'v1.14.1')\n"
            + "  rpmSign(ephemeral: true)\n"
            + "  def v = rpmValidate(from: 'rpm-release-out', image: 'rockylinux:9', commit: r.commit, tag: 'v1.14.1', "
            + "arch: r.arch, junit: 'validate.xml')\n"
            + "  echo \"passed=${v.passed}\"\n"
            + "}\n";

    @Test
    void groovy2421RefusesTheScriptOfTheOldLine31AsJenkinsDid() {
        assertThat(PluginTestSources.groovyProblem("RpmValidateStepTest", BROKEN_LINE_31))
                .contains("unexpected token: def @ line 3");
    }

    @Test
    void aPlaceholderOutsideASingleQuotedStringFailsTheParse() {
        assertThat(PluginTestSources.groovyProblem("gstring",
                PluginTestSources.withProbes("node('x') { echo \"@@VALUE@@\" }\n"))).isNotNull();
        assertThat(PluginTestSources.groovyProblem("code",
                PluginTestSources.withProbes("node('x') { rpmBuild(tag: @@VALUE@@) }\n"))).isNotNull();
        assertThat(PluginTestSources.groovyProblem("single",
                PluginTestSources.withProbes("node('x') { rpmBuild(tag: '@@VALUE@@') }\n"))).isNull();
        assertThat(PluginTestSources.groovyProblem("triple",
                PluginTestSources.withProbes("node('x') { sh '''@@VALUE@@''' }\n"))).isNull();
    }

    @Test
    void theInlineScanFindsThePipelinesOfTheOldTests() throws IOException {
        Path old = Files.createTempDirectory("before-issue-23");
        try {
            Path java = old.resolve("RpmValidateStepTest.java");
            Files.writeString(java, resource("RpmValidateStepTest.java.txt"));
            List<String> found = PluginTestSources.inlinePipelineCode(PluginTestSources.parseJava(List.of(java)));
            // javac folds the concatenated literals: the script of the old line 31 is found on line 30, where it starts
            assertThat(found).anyMatch(f -> f.startsWith("RpmValidateStepTest.java:30: ")
                    && f.contains("sh  + Fixtures.BUILD_SCRIPT + \\n  def r = rpmBuild(tag: 'v1.14.1')"));
            assertThat(found).anyMatch(f -> f.contains("rpmValidate(from: 'nothing-here'"));
        } finally {
            Files.walk(old).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theInlineScanLeavesLogMessagesAlone() {
        for (String message : List.of("rpmSign: no key: give key: keyFile(", "[Pipeline] node", "rpmBuild: no tag",
                "Running on agent", "rpmPlan: invalid tag 'latest'")) {
            assertThat(PluginTestSources.PIPELINE_CODE.matcher(message).find()).as(message).isFalse();
        }
        assertThat(PluginTestSources.PIPELINE_CODE.matcher("node('x') { sh 'true' }").find()).isTrue();
        assertThat(Pattern.compile("x").matcher("x").find()).isTrue();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = PipelineScriptsTest.class.getResourceAsStream("before-issue-23/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
