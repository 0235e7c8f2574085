package io.avalanche.rpm.plugin

import org.junit.jupiter.api.Test

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.regex.Matcher
import java.util.stream.Collectors

import static org.assertj.core.api.Assertions.assertThat

/**
 * The plugin's Jelly views, checked in the default build (the plugin itself builds only with -Pjenkins): every
 * ${%...} is read as Stapler's InternationalizedStringExpression reads it: the key runs to the first '(' and what
 * follows is a list of JEXL argument expressions closed by ')'. Our views pass no arguments, so a '(' in a title
 * means Stapler would try to parse words as JEXL and the page would not render.
 */
class JellyMessagesTest {
    static final Path RESOURCES = Paths.get(System.getProperty('rpmRelease.repoRoot'), 'rpm-release-plugin/src/main/resources')

    /** Problems Stapler would have with one ${%...} body (the text after '%'); empty when it is a plain message key. */
    static List<String> problems(String body) {
        List<String> p = []
        int open = body.indexOf('(')
        if (open >= 0) {
            p << "'(' makes '" + body.substring(0, open) + "' the key and '" + body.substring(open) +
                    "' JEXL arguments; write the title without parentheses"
        }
        if (body.indexOf(')') >= 0 && open < 0) {
            p << "')' without '(': rephrase without parentheses"
        }
        if (body.trim().isEmpty()) {
            p << 'empty message key'
        }
        if (body != body.trim()) {
            p << 'leading or trailing blanks become part of the key'
        }
        return p
    }

    /** Every ${%...} in a Jelly file, with its line number; the expression ends at the first '}' as Jelly's parser reads it. */
    static List<Map> messages(Path jelly) {
        String text = new String(Files.readAllBytes(jelly), 'UTF-8')
        List<Map> found = []
        Matcher m = (text =~ /\$\{%([^}]*)\}/)
        while (m.find()) {
            int line = text.substring(0, m.start()).count('\n') + 1
            found << [file: RESOURCES.relativize(jelly).toString(), line: line, body: m.group(1)]
        }
        return found
    }

    static List<Path> jellyFiles() {
        return Files.walk(RESOURCES).filter { it.toString().endsWith('.jelly') }.sorted().collect(Collectors.toList())
    }

    @Test
    void everyStepAndKeyWithFieldsHasAConfigJelly() {
        List<String> configs = jellyFiles().collect { RESOURCES.relativize(it).toString() }.findAll { it.endsWith('/config.jelly') }
        assertThat(configs.collect { it.split('/')[-2] }).containsExactlyInAnyOrder(
                'RpmBuildStep', 'RpmSignStep', 'RpmPublishStep', 'RpmValidateStep', 'RpmBuilderImageStep', 'RpmPlanStep',
                'RpmPruneStep', 'RpmYankStep', 'RpmUnyankStep', 'KeyFileSource', 'Pkcs11Source')
    }

    @Test
    void everyMessageExpressionIsAPlainKey() {
        List<Map> all = jellyFiles().collectMany { messages(it) }
        assertThat(all.size()).as('titles found in the views').isGreaterThan(20)
        List<String> bad = all.findAll { !problems(it.body as String).isEmpty() }
                .collect { it.file + ':' + it.line + ': ${%' + it.body + '}: ' + problems(it.body as String).join('; ') }
        assertThat(bad).as('message expressions Stapler cannot render').isEmpty()
    }

    @Test
    void theCheckCatchesTheFormsThatBrokeTheForms() {
        assertThat(problems('Signing key (File credential)')).hasSize(1)
        assertThat(problems('Signing key (File credential)')[0]).contains("'Signing key ' the key")
        assertThat(problems('Passphrase (Secret text credential)')).isNotEmpty()
        assertThat(problems('key)')).isNotEmpty()
        assertThat(problems(' Tag')).isNotEmpty()
        assertThat(problems('Signing key, a File credential')).isEmpty()
        Path tmp = Files.createTempFile('config', '.jelly')
        try {
            Files.write(tmp, '<f:entry title="${%Tag}"/>\n<f:entry title="${%Key (File)}"/>\n'.getBytes('UTF-8'))
            List<Map> found = messages(tmp.toAbsolutePath()).collect { [line: it.line, body: it.body] }
            assertThat(found).containsExactly([line: 1, body: 'Tag'], [line: 2, body: 'Key (File)'])
        } finally {
            Files.delete(tmp)
        }
    }
}
