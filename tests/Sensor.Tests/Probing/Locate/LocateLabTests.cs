using System.Text.Json;
using Json.Schema;
using Sensor.Core.Output;
using Sensor.Core.Probing.Locate;
using Sensor.Tests.Cli;
using Sensor.Tests.CrossCheck;

namespace Sensor.Tests.Probing.Locate;

/// <summary>
/// The lab of locate-lab.sh: a client, <c>routers</c> router namespaces, the loopback postfix behind the
/// server's namespace, and on router <c>box</c> (0: none) a transparent proxy that strips STARTTLS.
/// Router K sends its time exceeded from 10.9.(K-1).1 (fd09:0:0:K-1::1); the server is 10.9.ROUTERS.1.
/// </summary>
public sealed class LocateLab(int routers, int box)
    : NamespaceLab("locate-lab.sh", "locate", routers.ToString(System.Globalization.CultureInfo.InvariantCulture), box.ToString(System.Globalization.CultureInfo.InvariantCulture))
{
    public string Server { get; } = $"10.9.{routers}.1:25";
    public string ServerV6 { get; } = $"[fd09:0:0:{routers}::1]:25";

    /// <summary>sensor probe TARGET --locate from the client's namespace.</summary>
    public SensorRun Probe(string target, params string[] more) =>
        SensorProcess.RunInNamespace($"{Prefix}-c", ["probe", target, "--locate", "--no-db", .. more]);

    public SensorRun InNamespace(string letter, params string[] args) => SensorProcess.RunInNamespace($"{Prefix}-{letter}", args);

    /// <summary>
    /// A probe from beside the server (vantage "far", behind every box, STARTTLS offered) into a store, then the
    /// field test from the client against it: its one `fieldtest` record, and the store's path.
    /// </summary>
    public (JsonElement Record, string Db) FieldTestAgainstFar()
    {
        var db = Path.Combine(Directory, "s.db");
        Assert.Equal(0, InNamespace("s", "probe", Server, "--vantage", "far", "--db", db).ExitCode);
        var run = InNamespace("c", "fieldtest", Server, "--db", db, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement, db);
    }
}

/// <summary>
/// `sensor probe --locate` and the field test's locate step on real paths of Linux routers: the exact hop of
/// a stripping box and the routers before it, or with no box the server's own hop.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LocateLabTests
{
    private static LocatedPath Located(SensorRun run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        var record = JsonSerializer.Deserialize(Assert.Single(run.StdoutLines), RecordJsonContext.Default.ProbeRecord)!;
        return record.Locate!;
    }

    private static List<(int, string?, string)> Hops(LocatedPath path) => [.. path.Hops.Select(h => (h.Hop, h.Address, h.Answer))];

    private static (int, string?, string) Router(int hop, string address) => (hop, address, HopAnswer.TimeExceeded);

    [Fact]
    public void TwoRoutersAndNoBox_TheServerAnswersAtHopThree()
    {
        using var lab = new LocateLab(routers: 2, box: 0);
        var path = Located(lab.Probe(lab.Server, "--json"));
        Assert.Equal([Router(1, "10.9.0.1"), Router(2, "10.9.1.1"), (3, "10.9.2.1", HopAnswer.SynAck)], Hops(path));
        Assert.Equal(("tcp-syn-ttl", (int?)null, (int?)3, (string?)null, (string?)null), (path.Method, path.BoxHop, path.ServerHop, path.BoxAddress, path.OtherPort));
        Assert.True(path.Answer!.StarttlsOffered);
        Assert.Equal("220 mail.example.test ESMTP Postfix (Debian/GNU)", path.Answer.Banner);
    }

    [Fact]
    public void TwoRoutersAndTheBoxOnTheSecond_TheStrippedAnswerFirstAppearsAtHopTwo()
    {
        using var lab = new LocateLab(routers: 2, box: 2);
        var run = lab.Probe(lab.Server, "--json");
        var path = Located(run);
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(ProbeTestSupport.RepoRoot(), "docs", "schema", "records.schema.json")));
        var valid = schema.Evaluate(JsonDocument.Parse(run.StdoutLines[0]).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(valid.IsValid, string.Join("; ", valid.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5)));
        Assert.Equal([Router(1, "10.9.0.1"), (2, "10.9.2.1", HopAnswer.SynAck)], Hops(path));
        Assert.Equal(((int?)2, (int?)null, "10.9.1.1", HopAnswer.TimeExceeded), (path.BoxHop, path.ServerHop, path.BoxAddress, path.OtherPort));
        Assert.False(path.Answer!.StarttlsOffered);
        Assert.DoesNotContain("STARTTLS", path.Answer.Capabilities);
        Assert.Contains("PIPELINING", path.Answer.Capabilities);
    }

    [Fact]
    public void ThreeRoutersAndNoBox_TheServerAnswersAtHopFour_OverIpv4AndIpv6()
    {
        using var lab = new LocateLab(routers: 3, box: 0);
        var v4 = Located(lab.Probe(lab.Server, "--json"));
        Assert.Equal([Router(1, "10.9.0.1"), Router(2, "10.9.1.1"), Router(3, "10.9.2.1"), (4, "10.9.3.1", HopAnswer.SynAck)], Hops(v4));
        Assert.Equal(((int?)null, (int?)4), (v4.BoxHop, v4.ServerHop));
        var v6 = Located(lab.Probe(lab.ServerV6, "--json"));
        Assert.Equal([Router(1, "fd09::1"), Router(2, "fd09:0:0:1::1"), Router(3, "fd09:0:0:2::1"), (4, "fd09:0:0:3::1", HopAnswer.SynAck)], Hops(v6));
        Assert.Equal(((int?)null, (int?)4), (v6.BoxHop, v6.ServerHop));
    }

    [Fact]
    public void ThreeRoutersAndTheBoxOnTheThird_TheStrippedAnswerFirstAppearsAtHopThree_OverIpv4AndIpv6()
    {
        using var lab = new LocateLab(routers: 3, box: 3);
        var v4 = Located(lab.Probe(lab.Server, "--json"));
        Assert.Equal([Router(1, "10.9.0.1"), Router(2, "10.9.1.1"), (3, "10.9.3.1", HopAnswer.SynAck)], Hops(v4));
        Assert.Equal(((int?)3, (int?)null, "10.9.2.1"), (v4.BoxHop, v4.ServerHop, v4.BoxAddress));
        var v6 = Located(lab.Probe(lab.ServerV6, "--json"));
        Assert.Equal([Router(1, "fd09::1"), Router(2, "fd09:0:0:1::1"), (3, "fd09:0:0:3::1", HopAnswer.SynAck)], Hops(v6));
        Assert.Equal(((int?)3, (int?)null, "fd09:0:0:2::1"), (v6.BoxHop, v6.ServerHop, v6.BoxAddress));

        var human = lab.Probe(lab.Server);
        Assert.True(human.ExitCode == 0, human.Stderr);
        Assert.Equal("10.9.3.1:25: the answer without STARTTLS first appears at hop 3 (10.9.2.1); hops before it: 1 10.9.0.1, 2 10.9.1.1", human.StdoutLines[^1]);
    }

    /// <summary>
    /// The field test from the client, compared with a probe made beside the server (vantage "far", STARTTLS
    /// offered): interference, and the hop where the box sits in here's record and on the console.
    /// </summary>
    [Fact]
    public void TheFieldTestLocatesTheBoxItFinds()
    {
        using var lab = new LocateLab(routers: 3, box: 2);
        var (record, db) = lab.FieldTestAgainstFar();
        Assert.Equal("interference", record.GetProperty("level").GetString());
        var locate = record.GetProperty("here").GetProperty("locate");
        Assert.Equal((2, "10.9.1.1"), (locate.GetProperty("box_hop").GetInt32(), locate.GetProperty("box_address").GetString()));
        Assert.Equal("the answer without STARTTLS first appears at hop 2 (10.9.1.1); hops before it: 1 10.9.0.1", locate.GetProperty("summary").GetString());

        var text = lab.InNamespace("c", "fieldtest", lab.Server, "--db", db, "--report", Path.Combine(lab.Directory, "r.html"));
        Assert.Contains("Where: the answer without STARTTLS first appears at hop 2 (10.9.1.1); hops before it: 1 10.9.0.1",
            string.Join(" ", text.StdoutLines.Select(l => l.Trim())));
    }

    /// <summary>No box, and the server offers STARTTLS to both: no interference, so no walk and no locate object.</summary>
    [Fact]
    public void TheFieldTestWalksNothingWithoutInterference()
    {
        using var lab = new LocateLab(routers: 2, box: 0);
        var (record, _) = lab.FieldTestAgainstFar();
        Assert.Equal("encrypted", record.GetProperty("level").GetString());
        Assert.False(record.GetProperty("here").TryGetProperty("locate", out _));
    }
}

/// <summary>--locate where it cannot be done: one line on stderr, exit 2, nothing on stdout.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LocateRefusalTests
{
    /// <summary>Root without CAP_NET_RAW (dropped from the bounding set, so the exec'd dotnet cannot have it).</summary>
    [Fact]
    public void WithoutCapNetRaw_IsOneLineAndExit2()
    {
        var run = SensorProcess.RunProgram("setpriv", ["--bounding-set=-net_raw", "--inh-caps=-net_raw", "dotnet", SensorProcess.DllPath,
            "probe", "127.0.0.1:25", "--locate", "--no-db"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --locate needs CAP_NET_RAW: run as root or `setcap cap_net_raw+ep`", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void WithViaIsOneLineAndExit2()
    {
        var run = SensorProcess.Run("probe", "127.0.0.1:25", "--locate", "--via", "far", "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --locate does not go with --via: it walks the path from here", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>The loopback postfix: one hop, its own answer, no router before it.</summary>
    [Fact]
    public void TheLoopbackServerAnswersAtHopOne()
    {
        var run = SensorProcess.Run("probe", "127.0.0.1:25", "--locate", "--no-db", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var path = JsonSerializer.Deserialize(Assert.Single(run.StdoutLines), RecordJsonContext.Default.ProbeRecord)!.Locate!;
        Assert.Equal([(1, "127.0.0.1", HopAnswer.SynAck)], path.Hops.Select(h => (h.Hop, h.Address, h.Answer)));
        Assert.Equal(((int?)null, (int?)1), (path.BoxHop, path.ServerHop));
    }
}
