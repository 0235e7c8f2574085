package io.avalanche.rpm.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one console escaping function: what it escapes and what it keeps. */
class OutputTest {
    @Test
    void escapesControlAndBidiCharactersAndKeepsText() {
        assertThat(Output.escape("plain /var/opt/avalanchego ünïcødé 日本 \t tab")).isEqualTo(
                "plain /var/opt/avalanchego ünïcødé 日本 \t tab");
        assertThat(Output.escape("a\u001b[31mb\u0007c\rd\ne\u007ff\u009bg")).isEqualTo(
                "a\\x1b[31mb\\x07c\\x0dd\\x0ae\\x7ff\\x9bg");
        assertThat(Output.escape("x\u202ey\u2066z\u200bw\u2028v")).isEqualTo(
                "x\\u{202e}y\\u{2066}z\\u{200b}w\\u{2028}v");
        assertThat(Output.escape("lone \ud800 surrogate")).isEqualTo("lone \\u{d800} surrogate");
        assertThat(Output.escape(null)).isEqualTo("null");
    }
}
