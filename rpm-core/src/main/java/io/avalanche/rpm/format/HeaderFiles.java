package io.avalanche.rpm.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The file list of a main header (BASENAMES, DIRNAMES, DIRINDEXES) with rpm's consistency rule: every per-file
 * array present has one value per file and every directory index points into DIRNAMES; a crafted header that
 * breaks it gives a HeaderStructureException naming the tag, never an index error.
 */
public final class HeaderFiles {
    private static final List<Tag> PER_FILE = List.of(Tag.DIRINDEXES, Tag.FILESIZES, Tag.FILEMODES, Tag.FILERDEVS,
            Tag.FILEMTIMES, Tag.FILEDIGESTS, Tag.FILELINKTOS, Tag.FILEFLAGS, Tag.FILEUSERNAME, Tag.FILEGROUPNAME,
            Tag.FILEVERIFYFLAGS, Tag.FILEDEVICES, Tag.FILEINODES, Tag.FILELANGS, Tag.FILECOLORS, Tag.LONGFILESIZES);

    private HeaderFiles() {
    }

    /** The absolute paths of the files, in header order; {@code name} names the package in messages. */
    public static List<String> paths(Header h, String name) {
        String[] base = h.strings(Tag.BASENAMES);
        String[] dirs = h.strings(Tag.DIRNAMES);
        for (Tag t : PER_FILE) {
            int n = h.get(t).map(HeaderEntry::count).orElse(base.length);
            if (n != base.length) {
                throw new HeaderStructureException(name + ": tag " + t.id() + " (" + t.name() + ") has " + n
                        + " values for " + base.length + " files; the header is damaged or crafted");
            }
        }
        long[] idx = h.numbers(Tag.DIRINDEXES);
        List<String> out = new ArrayList<>(base.length);
        for (int i = 0; i < base.length; i++) {
            if (idx.length <= i || idx[i] < 0 || idx[i] >= dirs.length) {
                throw new HeaderStructureException(name + ": file " + i + " (" + base[i] + ") has no directory in "
                        + dirs.length + " DIRNAMES; the header is damaged or crafted");
            }
            out.add(dirs[(int) idx[i]] + base[i]);
        }
        return out;
    }
}
