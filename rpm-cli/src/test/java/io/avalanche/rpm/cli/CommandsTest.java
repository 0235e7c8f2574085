package io.avalanche.rpm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import io.avalanche.rpm.testing.Cmd;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Each subcommand is found under its own @Command name, alone; help and the command list still see them all. */
class CommandsTest {
    /** The name a command's model gives it: its @Command annotation's, or the name of a model built without one. */
    static String nameOf(Object command) {
        return ((CommandSpec) Commands.model(command)).name();
    }

    @Test
    void everyCommandIsNamedAsItsModelSays() {
        for (Object c : Commands.all()) {
            String name = nameOf(c);
            assertThat(Commands.named(name)).as(name).isNotNull().hasSameClassAs(c);
            assertThat(Main.subcommandsFor("--stacktrace", name, "--help")).hasSize(1)
                    .allMatch(x -> x.getClass() == c.getClass());
        }
        assertThat(Commands.named("no-such-command")).isNull();
        assertThat(Main.subcommandsFor("help", "publish")).hasSize(Commands.all().size());
    }

    @Test
    void noOptionNeedsAConverterThatTheStartUpLeavesOut() {
        List<Pattern> left = Arrays.stream(Main.UNUSED_CONVERTERS.split(",")).map(Pattern::compile).toList();
        assertThat(left).anyMatch(p -> p.matcher("java.time.Duration").matches())
                .anyMatch(p -> p.matcher("java.sql.Timestamp").matches())
                .noneMatch(p -> p.matcher("java.nio.file.Path").matches());
        CommandLine main = new CommandLine(Main.spec());
        Commands.all().forEach(c -> main.addSubcommand(Commands.model(c)));
        List<CommandLine> commands = new ArrayList<>(main.getSubcommands().values());
        commands.add(main);
        int types = 0;
        for (CommandLine c : commands) {
            for (ArgSpec a : c.getCommandSpec().args()) {
                List<Class<?>> used = new ArrayList<>(List.of(a.auxiliaryTypes()));
                used.add(a.type());
                for (Class<?> t : used) {
                    assertThat(left).as(c.getCommandName() + " " + a.paramLabel() + ": " + t.getName())
                            .noneMatch(p -> p.matcher(t.getName()).matches());
                    types++;
                }
            }
        }
        assertThat(types).isGreaterThan(100);
        Main.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "verify", "--help");
        assertThat(System.getProperty("picocli.converters.excludes")).isEqualTo(Main.UNUSED_CONVERTERS);
    }

    /**
     * Every line of every command's description and footer fits picocli's 80 columns, so help is never re-wrapped into
     * ragged fragments, and an example command line is never broken where no continuation says so.
     */
    @Test
    void descriptionsAndFootersFitTheUsageWidth() {
        CommandLine main = withHelpText();
        List<CommandLine> commands = new ArrayList<>(main.getSubcommands().values());
        commands.add(main);
        int lines = 0;
        List<String> tooLong = new ArrayList<>();
        for (CommandLine c : commands) {
            int width = c.getCommandSpec().usageMessage().width();
            List<String> text = new ArrayList<>(List.of(c.getCommandSpec().usageMessage().description()));
            text.addAll(List.of(c.getCommandSpec().usageMessage().footer()));
            for (String line : text) {
                if (line.length() > width) {
                    tooLong.add(c.getCommandName() + " (" + line.length() + "): " + line);
                }
                lines++;
            }
        }
        assertThat(tooLong).isEmpty();
        assertThat(lines).isGreaterThan(100);
    }

    /** The command line with every command and the help text each reads from its bundle. */
    private static CommandLine withHelpText() {
        CommandLine main = new CommandLine(Main.spec());
        Commands.all().forEach(c -> main.addSubcommand(Commands.model(c)));
        for (CommandLine sub : main.getSubcommands().values()) {
            if (Commands.hasHelpText(sub.getCommandName())) {
                sub.setResourceBundle(HelpText.of(sub.getCommandName()));
            }
        }
        return main;
    }

    @Test
    void theCommandListShowsEachCommandsWholeSummaryOnOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "--help")).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        int checked = 0;
        for (CommandLine sub : withHelpText().getSubcommands().values()) {
            String summary = sub.getCommandSpec().usageMessage().description()[0];
            String name = sub.getCommandName();
            assertThat(summary).as(name).endsWith(".");
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("  " + name + " ")) {
                    at = i;
                }
            }
            assertThat(at).as(name + " in the command list").isNotNegative();
            assertThat(lines.get(at).substring(2 + name.length()).strip()).as(name).isEqualTo(summary);
            assertThat(lines.get(at + 1)).as("the line after " + name).matches("  [a-z]+ .*|");
            checked++;
        }
        assertThat(checked).isEqualTo(Commands.all().size());
    }

    @Test
    void helpAndUsageListEveryCommand() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), "help");
        assertThat(rc).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        for (Object c : Commands.all()) {
            assertThat(text).contains(nameOf(c));
        }
        assertThat(text).contains("help");
        out.reset();
        assertThat(Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), "help", "verify")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: rpm-release verify");
        err.reset();
        assertThat(Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), "verify", "--no-such-option")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("rpm-release verify --help");
    }

    @Test
    void everyCommandHasItsDescriptionWhereverItIsKept() {
        for (Object c : Commands.all()) {
            String name = nameOf(c);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), name, "--help"))
                    .as(name).isZero();
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            int description = 1;
            while (description < lines.length && lines[description].startsWith(" ")) {
                description++;   // the synopsis' continuation lines
            }
            // after the synopsis comes the description: a line of text, not the option list
            assertThat(lines[description]).as(name).isNotBlank().doesNotStartWith(" ");
            if (Commands.hasHelpText(name)) {
                // picocli wraps at 80 columns: the printed line is the start of the bundle's first line
                assertThat(HelpText.of(name).getString("usage.description.0")).as(name)
                        .startsWith(lines[description]);
            }
        }
    }

    /**
     * picocli's Groovy probe is turned off before the first model is made (verify's model is made before the command
     * line is): the probe is a class the class path lacks, and looking for it opens every jar of the CLI at each start.
     */
    @Test
    void theStartLooksForNoGroovyClosureClass() {
        for (String[] args : List.of(new String[] {"verify", "--help"}, new String[] {"--help"},
                new String[] {"inspect", "--help"})) {
            Cmd.Result r = inNewJvm("-Dsun.misc.URLClassPath.debug=true", args);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).as(String.join(" ", args)).contains("URLClassPath.getResource(")
                    .doesNotContain("groovy/lang/Closure");
        }
    }

    /**
     * package, sign and verify read no picocli annotation on the way to their work: each annotation type read makes the
     * JDK define a proxy class, which no CDS archive of JDK 17 holds (CommandModel). The root's help, which lists every
     * command, still reads the annotated ones, and shows that the check sees proxies when there are some.
     */
    @Test
    void theOneShotCommandsDefineNoAnnotationProxy() {
        java.util.Map<String, Boolean> proxies = new java.util.LinkedHashMap<>();
        for (String[] args : List.of(new String[] {"package", "--help"}, new String[] {"sign", "--help"},
                new String[] {"verify", "--help"}, new String[] {"--help"})) {
            Cmd.Result r = inNewJvm("-Xlog:class+load=info:stdout", args);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("picocli.CommandLine$Model$OptionSpec");
            proxies.put(String.join(" ", args), r.output().contains("$Proxy"));
        }
        assertThat(proxies).containsExactly(java.util.Map.entry("package --help", false),
                java.util.Map.entry("sign --help", false), java.util.Map.entry("verify --help", false),
                java.util.Map.entry("--help", true));
    }

    /** The CLI in a JVM of its own with {@code jvmOption}, on this test's class path. */
    private static Cmd.Result inNewJvm(String jvmOption, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                jvmOption, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, java.util.Map.of());
    }
}
