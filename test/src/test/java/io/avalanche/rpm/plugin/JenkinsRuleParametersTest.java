package io.avalanche.rpm.plugin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the default build, without Jenkins: no Jenkins Test Harness test class of the plugin takes JenkinsRule in a
 * per-test lifecycle method (@BeforeEach/@AfterEach) and in another method. jenkins-test-harness 2537 calls
 * rule.before() on every resolution, so the test would run on a second, fresh Jenkins and leak the first.
 */
class JenkinsRuleParametersTest {

    @Test
    void everyPluginTestResolvesJenkinsRuleOncePerTest() {
        List<PluginTestSources.JavaSource> sources = PluginTestSources.parseJava(
                PluginTestSources.files(PipelineScriptsTest.TESTS, ".java"));
        assertThat(sources).as("plugin test sources in " + PipelineScriptsTest.TESTS).hasSizeGreaterThan(5);
        assertThat(PluginTestSources.jenkinsRuleTakenTwice(sources)).isEmpty();
    }

    // ---- the check can fail ----

    @Test
    void theOldSharedLibraryTestIsRefused() throws IOException {
        assertThat(check("SharedLibraryTest", PipelineScriptsTest.resource("SharedLibraryTest.java.txt")))
                .singleElement().asString().contains("SharedLibraryTest takes JenkinsRule in @BeforeEach library and "
                        + "@ParameterizedTest invalidTagsStopBeforeAnyNode; take it only in @BeforeEach and keep it in a field");
    }

    @Test
    void theShapesThatStartASecondJenkinsAreRefusedAndTheFieldShapeIsNot() throws IOException {
        String header = "import org.junit.jupiter.api.*;\nimport org.jvnet.hudson.test.JenkinsRule;\n";
        assertThat(check("AfterEachToo", header + "class AfterEachToo {\n"
                + "  @Test void a(JenkinsRule j) {}\n  @AfterEach void done(JenkinsRule j) {}\n}\n")).hasSize(1);
        assertThat(check("Twice", header + "class Twice {\n  @Test void a(JenkinsRule j, JenkinsRule k) {}\n}\n"))
                .singleElement().asString().contains("takes JenkinsRule 2 times");
        assertThat(check("Nested", header + "class Outer {\n  @Nested class Inner {\n"
                + "    @BeforeEach void b(org.jvnet.hudson.test.JenkinsRule j) {}\n    @Test void a(JenkinsRule j) {}\n"
                + "  }\n}\n")).singleElement().asString().contains("Inner takes JenkinsRule");
        assertThat(check("Field", header + "class Field {\n  private JenkinsRule j;\n"
                + "  @BeforeEach void b(JenkinsRule rule) { j = rule; }\n  @Test void a() {}\n  @Test void c() {}\n}\n"))
                .isEmpty();
        assertThat(check("PerMethod", header + "class PerMethod {\n  @BeforeEach void b() {}\n"
                + "  @Test void a(JenkinsRule j) {}\n  @Test void c(JenkinsRule j) {}\n}\n")).isEmpty();
    }

    private static List<String> check(String name, String source) throws IOException {
        Path dir = Files.createTempDirectory("jth-check");
        Path file = dir.resolve(name + ".java");
        try {
            Files.writeString(file, source);
            return PluginTestSources.jenkinsRuleTakenTwice(PluginTestSources.parseJava(List.of(file)));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
