package io.heroncp.topology;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Checks that a topology file is what its name says before it is stored or sent anywhere: a jar (or
 * pex) is a zip, a tar a tar, a tar.gz a gzip-compressed tar, a .so an ELF and a .dylib a Mach-O
 * file. Reads only the first bytes (the first tar header of a tar.gz); thread-safe.
 */
final class TopologyFileCheck {

  private static final byte[] ZIP_ENTRY = {'P', 'K', 3, 4};
  private static final byte[] ZIP_EMPTY = {'P', 'K', 5, 6};
  private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};
  private static final int TAR_BLOCK = 512;

  private TopologyFileCheck() {}

  /**
   * @param name the file's checked plain name (ends in .jar, .tar, .tar.gz, .pex, .so or .dylib)
   * @throws InvalidFieldException (field {@code topology}) when the content does not match
   */
  static void check(String name, Upload topology) {
    String lower = name.toLowerCase(Locale.ROOT);
    try (InputStream in = topology.content().open()) {
      byte[] head = in.readNBytes(TAR_BLOCK);
      if (head.length == 0) {
        throw refused(name, "it is empty");
      }
      if (lower.endsWith(".jar")) {
        require(startsWith(head, ZIP_ENTRY) || startsWith(head, ZIP_EMPTY), name, "a zip archive");
      } else if (lower.endsWith(".pex")) {
        // A pex is a zip, usually behind a "#!" interpreter line.
        require(
            startsWith(head, ZIP_ENTRY) || startsWith(head, new byte[] {'#', '!'}),
            name,
            "a pex (zip) archive");
      } else if (lower.endsWith(".tar.gz")) {
        require(
            head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b,
            name,
            "gzip-compressed");
        byte[] firstHeader;
        try (InputStream whole = topology.content().open();
            GZIPInputStream gunzipped = new GZIPInputStream(whole)) {
          firstHeader = gunzipped.readNBytes(TAR_BLOCK);
        } catch (ZipException | java.io.EOFException e) {
          throw refused(name, "it is not valid gzip data");
        }
        require(isTarHeader(firstHeader), name, "a tar archive inside the gzip data");
      } else if (lower.endsWith(".tar")) {
        require(isTarHeader(head), name, "a tar archive");
      } else if (lower.endsWith(".so")) {
        require(startsWith(head, ELF), name, "an ELF shared library");
      } else if (lower.endsWith(".dylib")) {
        require(isMachO(head), name, "a Mach-O library");
      }
    } catch (IOException e) {
      throw new MalformedRequestException("topology could not be read", "topology", e);
    }
  }

  private static void require(boolean ok, String name, String what) {
    if (!ok) {
      throw refused(name, "its content is not " + what);
    }
  }

  private static InvalidFieldException refused(String name, String why) {
    return new InvalidFieldException(
        "topology file '" + name + "' is not what its name says: " + why, "topology");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
  }

  /** A POSIX/GNU tar header: "ustar" magic, or (old v7 tar) a valid header checksum. */
  private static boolean isTarHeader(byte[] block) {
    if (block.length < TAR_BLOCK) {
      return false;
    }
    if (new String(block, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      return true;
    }
    String recorded = new String(block, 148, 8, StandardCharsets.US_ASCII).trim();
    if (!recorded.matches("^[0-7]{1,7}\\u0000?$")) {
      return false;
    }
    long sum = 0;
    for (int i = 0; i < TAR_BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (block[i] & 0xff);
    }
    return sum == Long.parseLong(recorded.replace("\u0000", ""), 8);
  }

  private static boolean isMachO(byte[] head) {
    if (head.length < 4) {
      return false;
    }
    int magic =
        ((head[0] & 0xff) << 24)
            | ((head[1] & 0xff) << 16)
            | ((head[2] & 0xff) << 8)
            | (head[3] & 0xff);
    return magic == 0xfeedface
        || magic == 0xfeedfacf
        || magic == 0xcefaedfe
        || magic == 0xcffaedfe
        || magic == 0xcafebabe;
  }
}
