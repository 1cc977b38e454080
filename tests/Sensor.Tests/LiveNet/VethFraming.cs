using System.Globalization;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// Makes bundled captures sendable on a veth, which only carries Ethernet frames. Most captures from lo
/// already are Ethernet (Linux lo is DLT_EN10MB with zero MACs) and are sent as they are. The NULL and
/// raw-IP variants get an Ethernet header from tcprewrite; Debian's tcprewrite 4.4.3 fails on
/// `--dlt=enet` from these (appneta/tcpreplay#792: "Expected IPv4 packet"), so the header is given
/// byte for byte with `--dlt=user`. tcprewrite 4.4.3 has no Linux cooked v2 (SLL2) decoder at all
/// (added in a later release), so editcap first chops the 20-byte SLL2 header and relabels the file raw
/// IP; `--fixlen=trunc` then drops the original length that still counts the chopped bytes.
/// All converted variants carry IPv4 (their IPv6 sibling is an Ethernet capture).
/// </summary>
internal static class VethFraming
{
    /// <summary>dst 02:00:00:00:00:02, src 02:00:00:00:00:01 (locally administered, nobody's MAC), IPv4.</summary>
    private const string EthernetHeader = "02,00,00,00,00,02,02,00,00,00,00,01,08,00";
    private const int Sll2HeaderBytes = 20;

    /// <summary>A bundled capture with its link type and first timestamp, as capinfos reads them.</summary>
    public sealed record CaptureInfo(string Path, string Encapsulation, decimal StartSeconds);

    /// <summary>The captures in the order of their first packet: the order `sensor replay` merges them in.</summary>
    public static IReadOnlyList<CaptureInfo> InTimeOrder(IEnumerable<string> paths)
    {
        // capinfos exits 1 for the truncated capture but still prints its line.
        var run = ExternalTool.Run("capinfos", ["-T", "-r", "-E", "-a", "-S", .. paths]);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => new CaptureInfo(f[0], f[1], decimal.Parse(f[2], CultureInfo.InvariantCulture)))
            .OrderBy(c => c.StartSeconds).ToList();
    }

    /// <summary>The capture itself when it is Ethernet, else an Ethernet copy written into <paramref name="workDir"/>.</summary>
    public static string ForVeth(CaptureInfo capture, string workDir)
    {
        var output = Path.Combine(workDir, Path.GetFileName(capture.Path));
        switch (capture.Encapsulation)
        {
            case "ether":
                return capture.Path;
            case "null" or "rawip":
                AddEthernetHeader(capture.Path, output);
                return output;
            case "linux-sll2":
                var rawIp = output + ".rawip";
                ExternalTool.Run("editcap", "-C", Sll2HeaderBytes.ToString(), "-T", "rawip", capture.Path, rawIp).EnsureSuccess("editcap");
                AddEthernetHeader(rawIp, output, "--fixlen=trunc");
                return output;
            default:
                throw new NotSupportedException($"{capture.Path}: no conversion to Ethernet for {capture.Encapsulation}");
        }
    }

    private static void AddEthernetHeader(string input, string output, params string[] extra) =>
        ExternalTool.Run("tcprewrite", [.. extra, "--dlt=user", "--user-dlt=1", $"--user-dlink={EthernetHeader}", "-i", input, "-o", output])
            .EnsureSuccess("tcprewrite " + input);
}
