package io.avalanche.rpm.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.PathNames;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * All check results of one validation run: pass/fail, summary lines, JUnit XML and JSON; {@code platform}
 * (may be null) says which arch ran and whether under emulation, and names the JUnit test cases; {@code warnings}
 * (e.g. the published key was trusted explicitly) and {@code confinement} (how package code was kept from the host;
 * may be null) go into every form of the report.
 */
public record ValidationReport(String release, String target, List<CheckOutcome> results, Platform platform,
                               List<String> warnings, String confinement) {
    /** The JUnit report's name in a release directory when none is given (release --junit). */
    public static final String DEFAULT_JUNIT = "validation-junit.xml";

    public ValidationReport {
        results = List.copyOf(results);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public ValidationReport(String release, String target, List<CheckOutcome> results) {
        this(release, target, results, null);
    }

    public ValidationReport(String release, String target, List<CheckOutcome> results, Platform platform) {
        this(release, target, results, platform, List.of(), null);
    }

    /** True when no check failed (skipped checks do not fail a run by themselves). */
    public boolean passed() {
        return results.stream().noneMatch(CheckOutcome::failed);
    }

    public List<CheckOutcome> failures() {
        return results.stream().filter(CheckOutcome::failed).toList();
    }

    /** True when some check could not run (environment) and none found a problem in the release itself. */
    public boolean environmentError() {
        return results.stream().anyMatch(r -> r.status() == CheckOutcome.Status.ERROR)
                && results.stream().noneMatch(r -> r.status() == CheckOutcome.Status.FAILED);
    }

    /** The report of a run that stopped before any check, e.g. the release could not be fetched. */
    public static ValidationReport error(String release, String target, String message) {
        return new ValidationReport(release, target, List.of(CheckOutcome.error("validate", "run", message,
                java.time.Duration.ZERO)));
    }

    /** One readable line per check, then a verdict line. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        for (CheckOutcome r : results) {
            String tag = switch (r.status()) {
                case PASSED -> "PASS";
                case FAILED -> "FAIL";
                case SKIPPED -> r.message().startsWith("NOTE: ") ? "NOTE" : "SKIP";
                case ERROR -> "ERROR";
            };
            String message = tag.equals("NOTE") ? r.message().substring("NOTE: ".length()) : r.message();
            lines.add(String.format(Locale.ROOT, "%s  %-12s %-10s %s", tag, r.packageName(), r.check(), message));
        }
        long failed = failures().size();
        for (CheckOutcome r : results) {
            if (r.status() == CheckOutcome.Status.SKIPPED && r.message().startsWith("NOTE: ")) {
                lines.add("NOTE  " + r.packageName() + " " + r.check() + ": " + r.message().substring(6));
            }
        }
        if (confinement != null) {
            lines.add("NOTE  " + confinement);
        }
        lines.addAll(warnings);
        if (platform != null && platform.emulated()) {
            lines.add("NOTE  " + platform.arch().rpm() + " programs ran under emulation, " + platform.how()
                    + ": this proves packaging, install and startup, not behaviour on real " + platform.arch().rpm()
                    + " hardware");
        }
        lines.add((failed == 0 ? "PASSED" : environmentError() ? "ERROR" : "FAILED") + ": " + release + " on " + target + ", " + results.size()
                + " checks, " + failed + " failed");
        return lines;
    }

    /**
     * JUnit XML for Jenkins' junit step: one testcase per check per package, classname {@code <arch>.<package>},
     * name {@code <check> (<arch>, native|emulated)}; without a platform, classname = package and name = check.
     */
    public void writeJUnit(OutputStream out) {
        try {
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeStartElement("testsuite");
            w.writeAttribute("name", "rpm-release validate " + release
                    + (platform == null ? "" : " (" + platform.label() + ")"));
            w.writeAttribute("tests", Integer.toString(results.size()));
            long errors = results.stream().filter(r -> r.status() == CheckOutcome.Status.ERROR).count();
            w.writeAttribute("failures", Long.toString(failures().size() - errors));
            w.writeAttribute("errors", Long.toString(errors));
            w.writeAttribute("skipped", Long.toString(
                    results.stream().filter(r -> r.status() == CheckOutcome.Status.SKIPPED).count()));
            w.writeAttribute("time", seconds(results.stream().mapToLong(r -> r.time().toMillis()).sum()));
            w.writeCharacters("\n");
            writeProperties(w);
            for (CheckOutcome r : results) {
                w.writeCharacters("  ");
                w.writeStartElement("testcase");
                w.writeAttribute("classname", platform == null ? r.packageName()
                        : platform.arch().rpm() + "." + r.packageName());
                w.writeAttribute("name", platform == null ? r.check() : r.check() + " (" + platform.label() + ")");
                w.writeAttribute("time", seconds(r.time().toMillis()));
                if (r.failed()) {
                    w.writeStartElement(r.status() == CheckOutcome.Status.ERROR ? "error" : "failure");
                    w.writeAttribute("message", xmlSafe(r.message()));
                    w.writeAttribute("type", r.check());
                    w.writeCharacters(xmlSafe(r.message() + (r.output().isEmpty() ? "" : "\n\n" + r.output())));
                    w.writeEndElement();
                } else if (r.status() == CheckOutcome.Status.SKIPPED) {
                    w.writeStartElement("skipped");
                    w.writeAttribute("message", xmlSafe(r.message()));
                    w.writeEndElement();
                } else if (!r.output().isEmpty()) {
                    w.writeStartElement("system-out");
                    w.writeCharacters(xmlSafe(r.output()));
                    w.writeEndElement();
                }
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            if (confinement != null || !warnings.isEmpty()) {
                w.writeCharacters("  ");
                w.writeStartElement("system-out");
                List<String> lines = new ArrayList<>(warnings);
                if (confinement != null) {
                    lines.add("confinement: " + confinement);
                }
                w.writeCharacters(xmlSafe(String.join("\n", lines)));
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException("cannot write JUnit XML: " + IoErrors.why(e), e));
        }
    }

    /** The suite's warnings and confinement as JUnit properties (shown by CI tools next to the test cases). */
    private void writeProperties(XMLStreamWriter w) throws XMLStreamException {
        if (confinement == null && warnings.isEmpty()) {
            return;
        }
        w.writeCharacters("  ");
        w.writeStartElement("properties");
        for (String warning : warnings) {
            w.writeEmptyElement("property");
            w.writeAttribute("name", "warning");
            w.writeAttribute("value", xmlSafe(warning));
        }
        if (confinement != null) {
            w.writeEmptyElement("property");
            w.writeAttribute("name", "confinement");
            w.writeAttribute("value", xmlSafe(confinement));
        }
        w.writeEndElement();
        w.writeCharacters("\n");
    }

    /** Refuses (exit 2) a JUnit report path that is a directory: checked before a run, so no run is wasted on it. */
    public static void checkJUnitFile(Path file) {
        if (file != null && Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new io.avalanche.rpm.SpecException(file + ": is a directory; give --junit a file name");
        }
    }

    /**
     * Writes the JUnit XML to a file (parent directories are created): into a new file next to it, then renamed over
     * it, so an existing symbolic link is replaced, never written through, and a reader never sees half a report.
     */
    public void writeJUnit(Path file) {
        Path dir = PathNames.dir(file);
        checkJUnitFile(file);
        Path tmp = dir.resolve("." + PathNames.name(file) + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.createDirectories(dir);
            try (OutputStream o = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                writeJUnit(o);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the JUnit report: " + IoErrors.why(e), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the report itself was written or its error is reported
            }
        }
    }

    /** {@link #toMap()} as indented JSON (the CLI's --json). */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The report in the results vocabulary the CLI and the Jenkins steps share: {"release", "target", "arch",
     * "emulated", "passed", "warnings": [..], "confinement" (or null), "checks": [{package, check, status (lower
     * case), message, seconds}]}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release);
        m.put("target", target);
        if (platform != null) {
            m.put("arch", platform.arch().rpm());
            m.put("emulated", platform.emulated());
        }
        m.put("passed", passed());
        m.put("warnings", warnings);
        m.put("confinement", confinement);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckOutcome r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("package", r.packageName());
            c.put("check", r.check());
            c.put("status", r.status().name().toLowerCase(Locale.ROOT));
            c.put("message", r.message());
            c.put("seconds", r.time().toMillis() / 1000.0);
            checks.add(c);
        }
        m.put("checks", checks);
        return m;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** Drops characters XML 1.0 cannot carry (binary output from a broken program). */
    static String xmlSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            b.appendCodePoint(ok ? c : '?');
        });
        return b.toString();
    }
}
