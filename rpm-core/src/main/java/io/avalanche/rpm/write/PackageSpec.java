package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Everything that goes into one binary RPM; build with {@link #builder()}. */
public record PackageSpec(String name, String version, String release, Integer epoch, Arch arch, String summary,
                          String description, String license, String url, String vendor, String packager,
                          String group, String buildHost, long buildTime, List<Dependency> requires,
                          List<Dependency> provides, List<FileEntry> files, List<DirEntry> directories,
                          List<ChangelogEntry> changelog, Compression compression, List<Scriptlet> scripts,
                          List<Dependency> orders) {

    public PackageSpec {
        check(name, "name", "[A-Za-z0-9][A-Za-z0-9._+-]*");
        check(version, "version", "[A-Za-z0-9._+~^]+");
        check(release, "release", "[A-Za-z0-9._+~^]+");
        if (arch == null) {
            throw new SpecException("package " + name + ": no architecture given");
        }
        if (files.isEmpty()) {
            throw new SpecException("package " + name + ": no files given (use --file SRC:DEST[:MODE])");
        }
        Set<String> seen = new HashSet<>();
        for (FileEntry f : files) {
            if (!seen.add(f.path())) {
                throw new SpecException("package " + name + ": " + f.path() + " is given twice");
            }
        }
        Set<String> dirs = new HashSet<>();
        for (DirEntry d : directories) {
            if (seen.contains(d.path())) {
                throw new SpecException("package " + name + ": " + d.path() + " is both a file and a directory");
            }
            if (!dirs.add(d.path())) {
                throw new SpecException("package " + name + ": directory " + d.path() + " is given twice");
            }
        }
        scripts = scripts == null ? List.of() : List.copyOf(scripts);
        Set<Scriptlet.Phase> phases = new HashSet<>();
        for (Scriptlet sc : scripts) {
            if (!phases.add(sc.phase())) {
                throw new SpecException("package " + name + ": two %" + sc.phase().word() + " scriptlets; join them");
            }
        }
        orders = orders == null ? List.of() : List.copyOf(orders);
        FreeText.oneLine("summary", summary);
        FreeText.lines("description", description);
        FreeText.oneLine("license", license);
        FreeText.url("url", url);
        FreeText.oneLine("vendor", vendor);
        FreeText.oneLine("packager", packager);
        FreeText.oneLine("group", group);
        FreeText.oneLine("build host", buildHost);
        for (ChangelogEntry c : changelog) {
            FreeText.oneLine("changelog author", c.author());
            FreeText.lines("changelog text", c.text());
        }
        requires = List.copyOf(requires);
        provides = List.copyOf(provides);
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        changelog = List.copyOf(changelog);
    }

    /** A package without scriptlets or ordering hints. */
    public PackageSpec(String name, String version, String release, Integer epoch, Arch arch, String summary,
                       String description, String license, String url, String vendor, String packager, String group,
                       String buildHost, long buildTime, List<Dependency> requires, List<Dependency> provides,
                       List<FileEntry> files, List<DirEntry> directories, List<ChangelogEntry> changelog,
                       Compression compression) {
        this(name, version, release, epoch, arch, summary, description, license, url, vendor, packager, group,
                buildHost, buildTime, requires, provides, files, directories, changelog, compression, List.of(),
                List.of());
    }

    private static void check(String v, String field, String regex) {
        if (v == null || !v.matches(regex) || v.length() > 200) {
            throw new SpecException("invalid package " + field + " '" + v + "': allowed characters are " + regex);
        }
    }

    /** rpm's conventional file name: name-version-release.arch.rpm. */
    public String rpmFileName() {
        return name + "-" + version + "-" + release + "." + arch.rpm() + ".rpm";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults of this project (root-owned files, zstd:19, MIT-free placeholders). */
    public static final class Builder {
        private String name;
        private String version;
        private String release = "1";
        private Integer epoch;
        private Arch arch;
        private String summary;
        private String description;
        private String license = "BSD-3-Clause";
        private String url = "";
        private String vendor = "";
        private String packager = "";
        private String group = "Applications/System";
        private String buildHost = "localhost";
        private long buildTime = SourceDate.epochSeconds(System.getenv());
        private final List<Dependency> requires = new ArrayList<>();
        private final List<Dependency> provides = new ArrayList<>();
        private final List<FileEntry> files = new ArrayList<>();
        private final List<DirEntry> directories = new ArrayList<>();
        private final List<Scriptlet> scripts = new ArrayList<>();
        private final List<Dependency> orders = new ArrayList<>();
        private final List<ChangelogEntry> changelog = new ArrayList<>();
        private Compression compression = Compression.defaults();

        public Builder name(String v) { name = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder release(String v) { release = v; return this; }
        public Builder epoch(Integer v) { epoch = v; return this; }
        public Builder arch(Arch v) { arch = v; return this; }
        public Builder summary(String v) { summary = v; return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder license(String v) { license = v; return this; }
        public Builder url(String v) { url = v; return this; }
        public Builder vendor(String v) { vendor = v; return this; }
        public Builder packager(String v) { packager = v; return this; }
        public Builder group(String v) { group = v; return this; }
        public Builder buildHost(String v) { buildHost = v; return this; }
        public Builder buildTime(long v) { buildTime = v; return this; }
        public Builder compression(Compression v) { compression = v; return this; }
        public Builder require(Dependency d) { requires.add(d); return this; }
        public Builder require(String expr) { return require(Dependency.parse(expr)); }
        /** Requires(phase): NAME [OP VERSION] installed before the phase's scriptlet runs. */
        public Builder require(Scriptlet.Phase phase, String expr) { return require(Dependency.forPhase(phase, expr)); }
        public Builder provide(Dependency d) { provides.add(d); return this; }
        public Builder file(FileEntry f) { files.add(f); return this; }
        public Builder directory(String d) { directories.add(DirEntry.of(d)); return this; }
        public Builder directory(DirEntry d) { directories.add(d); return this; }
        public Builder script(Scriptlet s) { scripts.add(s); return this; }
        /**
         * OrderWithRequires(phase): when NAME is in the same transaction, rpm installs it before the phase's
         * scriptlet runs, without requiring it (what %systemd_ordering declares for systemd).
         */
        public Builder orderWith(Scriptlet.Phase phase, String expr) {
            orders.add(Dependency.forPhase(phase, expr));
            return this;
        }
        public Builder changelog(ChangelogEntry c) { changelog.add(c); return this; }

        public PackageSpec build() {
            String s = summary == null ? name : summary;
            String d = description == null ? s : description;
            return new PackageSpec(name, version, release, epoch, arch, s, d, license, url, vendor, packager, group,
                    buildHost, buildTime, requires, provides, files, directories, changelog, compression, scripts, orders);
        }
    }
}
