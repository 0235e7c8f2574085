package io.avalanche.rpm.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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
 * (may be null) says which arch ran and whether under emulation, and names the JUnit test cases.
 */
public record ValidationReport(String release, String target, List<CheckOutcome> results, Platform platform) {
    public ValidationReport {
        results = List.copyOf(results);
    }

    public ValidationReport(String release, String target, List<CheckOutcome> results) {
        this(release, target, results, null);
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
                case SKIPPED -> "SKIP";
                case ERROR -> "ERROR";
            };
            lines.add(String.format(Locale.ROOT, "%s  %-12s %-10s %s", tag, r.packageName(), r.check(), r.message()));
        }
        long failed = failures().size();
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
            w.writeEndElement();
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException("cannot write JUnit XML: " + e.getMessage(), e));
        }
    }

    /** Writes the JUnit XML to a file (parent directories are created). */
    public void writeJUnit(Path file) {
        try {
            Files.createDirectories(PathNames.dir(file));
            try (OutputStream o = Files.newOutputStream(file)) {
                writeJUnit(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the JUnit report: " + e.getMessage(), e);
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
     * "emulated", "passed", "checks": [{package, check, status (lower case), message, seconds}]}.
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
