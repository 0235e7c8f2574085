package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderEntry;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.RpmType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, in a package's header and before anything is installed, every tag rpm runs code from (rpm 4.16's
 * lib/rpmtag.h plus the later %preuntrans/%postuntrans): scriptlets and their interpreters (a Lua one needs no
 * shell), triggers and file triggers. Packages not declared to carry scriptlets (avalanchego, subnet-evm) must
 * have none: any is a finding. A declared one is run only inside a container, never on this host.
 */
public final class Scriptlets {
    /** The check's name in reports. */
    public static final String CHECK = "scriptlets";
    private static final Map<Integer, String> TAGS = new LinkedHashMap<>();
    /** The tags naming a scriptlet's interpreter (*PROG). */
    private static final Set<Integer> PROGS = Set.of(1085, 1086, 1087, 1088, 1153, 1154, 1091, 1092, 5105, 5106,
            5067, 5077);

    static {
        put("%pre", 1023, 1085, 5020);
        put("%post", 1024, 1086, 5021);
        put("%preun", 1025, 1087, 5022);
        put("%postun", 1026, 1088, 5023);
        put("%pretrans", 1151, 1153, 5024);
        put("%posttrans", 1152, 1154, 5025);
        put("%verifyscript", 1079, 1091, 5026);
        put("%preuntrans", 5103, 5105, 5107);
        put("%postuntrans", 5104, 5106, 5108);
        put("trigger", 1065, 1066, 1067, 1068, 1069, 1092, 5027, 1100, 1101, 1102, 1171, 5005, 5006);
        put("file trigger", 5066, 5067, 5068, 5069, 5070, 5071, 5072, 5084, 5063, 5064, 5065, 5086, 5087);
        put("transaction file trigger", 5076, 5077, 5078, 5079, 5080, 5081, 5082, 5085, 5073, 5074, 5075, 5088,
                5089);
    }

    private Scriptlets() {
    }

    private static void put(String what, int... tags) {
        for (int t : tags) {
            TAGS.put(t, what);
        }
    }

    /** Every tag number this check looks for. */
    public static Set<Integer> tags() {
        return java.util.Collections.unmodifiableSet(TAGS.keySet());
    }

    /** What the header would run, one entry per kind, e.g. "%pre (Lua; tags 1023, 1085)"; empty for none. */
    public static List<String> found(Header h) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        Map<String, java.util.Set<String>> interpreters = new LinkedHashMap<>();
        for (HeaderEntry e : h.entries()) {
            String what = TAGS.get(e.tag());
            if (what != null) {
                tags.computeIfAbsent(what, k -> new ArrayList<>()).add(Integer.toString(e.tag()));
                interpreter(e).ifPresent(i -> interpreters.computeIfAbsent(what, k -> new java.util.TreeSet<>())
                        .add(i));
            }
        }
        List<String> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(k + " (" + (interpreters.containsKey(k)
                ? String.join(", ", interpreters.get(k)) + "; " : "") + (v.size() == 1 ? "tag " : "tags ")
                + String.join(", ", v) + ")"));
        return out;
    }

    /** The interpreter a *PROG tag names: "Lua" for rpm's built-in one, else a short absolute path. */
    private static java.util.Optional<String> interpreter(HeaderEntry e) {
        if (PROGS.contains(e.tag()) && (e.type() == RpmType.STRING || e.type() == RpmType.STRING_ARRAY)
                && e.count() > 0) {
            String first = e.strings()[0];
            if (first.equals("<lua>")) {
                return java.util.Optional.of("Lua");
            }
            if (first.matches("/[A-Za-z0-9._/+-]{1,63}")) {
                return java.util.Optional.of(first);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The check of one package before anything is installed: a package not in {@code declared} must carry no
     * scriptlet or trigger (FAILED otherwise); a declared one may, but is then validated in a container only (an
     * ERROR when {@code local}: nothing of it runs on this host).
     */
    static CheckOutcome check(String name, Path rpm, Set<String> declared, boolean local) {
        long t0 = System.nanoTime();
        List<String> found = found(RpmReader.read(rpm).header());
        Duration t = Duration.ofNanos(System.nanoTime() - t0);
        String file = io.avalanche.rpm.PathNames.name(rpm);
        if (found.isEmpty()) {
            return CheckOutcome.passed(name, CHECK, file + " has no scriptlet or trigger (" + TAGS.size()
                    + " tags checked)", "", t);
        }
        String list = String.join("; ", found);
        if (!declared.contains(name)) {
            return CheckOutcome.failed(name, CHECK, file + " carries code rpm would run on install: " + list + "; "
                    + name + " is built without any, so this package is not what the release builds; nothing was"
                    + " installed", "", t);
        }
        if (local && name.equals(ReleaseRef.SERVICE)) {
            return CheckOutcome.passed(name, CHECK, file + " carries " + list + " (declared; --local never installs"
                    + " this package, so none of it runs on this host)", "", t);
        }
        if (local) {
            return CheckOutcome.error(name, CHECK, file + " carries " + list + ": packages declared with scriptlets"
                    + " are validated in a container only, never on this host; validate without --local", t);
        }
        return CheckOutcome.passed(name, CHECK, file + " carries " + list + " (declared; run inside the container"
                + " only)", "", t);
    }
}
