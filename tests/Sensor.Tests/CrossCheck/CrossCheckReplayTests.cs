using Sensor.Core.Capture;
using Sensor.Core.CrossCheck;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Storage;
using Sensor.Tests.Replay;
using static Sensor.Tests.CrossCheck.Probes;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// Real captures replayed with probe records another vantage point wrote (as JSON Lines, imported
/// into the store): the findings raised or kept, and the verdict per server.
/// </summary>
public class CrossCheckReplayTests
{
    private const string TlsWeakCert = "64f6aba7949468c1c2a8f6c7a50040d520e98ba52edd90c80fdbb2b1a761332f";

    private sealed record Run(CollectingSink Records, List<VerdictRecord> Verdicts, List<VerdictRecord> Stored);

    private const string RunId = "0123456789abcdef";

    private static Run Replay(string capture, params ProbeRecord[] probes)
    {
        var dir = Sensor.Tests.Cli.SensorProcess.TempDir();
        var db = Path.Combine(dir, "s.db");
        var jsonl = Path.Combine(dir, "elsewhere.jsonl");
        File.WriteAllText(jsonl, JsonLines(probes));
        var records = new CollectingSink();
        var verdicts = new VerdictSink();
        using (var store = SensorStore.Open(db))
        {
            Assert.Equal(probes.Length, store.ImportProbes(ProbeImport.Read(jsonl).Probes));
            var setup = new CrossCheckSetup(store, new FixedClock(Now), CrossCheckOptions.Default);
            var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, store,
                new RecordMapper(new SecretRedactor(false, new byte[32]), RunId), [records, verdicts, new StoreSink(store, keepSessions: false)], setup);
            PipelinePacketHandler.Run(new CaptureReader([Path.Combine(Manifest.CapturesDirectory, capture)]), pipeline);
        }
        using var reopened = SensorStore.Open(db);
        return new Run(records, verdicts.Verdicts, [.. reopened.Verdicts()]);
    }

    [Fact]
    public void AbsentStartTlsThatAProbeSawOfferedIsRemovedAndInterferenceOnPath()
    {
        var run = Replay("imap-strip-absent-unknown.pcap", Ok("abroad", "127.0.0.3:143"));
        Assert.DoesNotContain(run.Records.Findings, f => f.Kind == "starttls-absent");
        var removed = Assert.Single(run.Records.Findings, f => f.Kind == "starttls-stripped");
        Assert.Equal("removed", removed.Variant);
        Assert.Equal("probe from abroad at 2026-11-29T11:00:00.000000Z", removed.Evidence["known_from"]);
        Assert.Equal("127.0.0.3:143 offered no STARTTLS, but it is known to: probe from abroad at 2026-11-29T11:00:00.000000Z", removed.Summary);

        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("interference-on-path", "imap", "127.0.0.3:143", 0.6, 1, 1),
            (verdict.Verdict, verdict.Protocol, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal((1, false), (verdict.Passive.Sessions, verdict.Passive.StarttlsRefused));
        Assert.Equal(["starttls-stripped/removed"], verdict.Passive.Findings);
        Assert.Equal("abroad", Assert.Single(verdict.Probes).Vantage);
        Assert.Equal((verdict.Id, RunId), (Assert.Single(run.Stored).Id, run.Stored[0].Run));
    }

    [Fact]
    public void AProbeThatSawNoStartTlsKeepsTheFindingAbsentAndTheServerLacksTls()
    {
        var run = Replay("imap-strip-absent-unknown.pcap", Absent("abroad", "127.0.0.3:143"));
        Assert.Single(run.Records.Findings, f => f.Kind == "starttls-absent");
        Assert.DoesNotContain(run.Records.Findings, f => f.Kind == "starttls-stripped");
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("server-lacks-tls", 0.6, 1, 1), (verdict.Verdict, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal(["starttls-absent"], verdict.Passive.Findings);
    }

    [Fact]
    public void AStaleProbeRaisesNothingAndIsInconclusive()
    {
        var run = Replay("imap-strip-absent-unknown.pcap", Ok("abroad", "127.0.0.3:143", hoursAgo: 8 * 24));
        Assert.Single(run.Records.Findings, f => f.Kind == "starttls-absent");
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("inconclusive", 0, 0), (verdict.Verdict, verdict.Agreeing, verdict.Total));
    }

    [Fact]
    public void ProbesThatDisagreeRaiseNothing()
    {
        var run = Replay("imap-strip-absent-unknown.pcap",
            Ok("abroad", "127.0.0.3:143", 2), Ok("vps", "127.0.0.3:143", 1), Absent("colleague", "127.0.0.3:143", 1));
        Assert.Single(run.Records.Findings, f => f.Kind == "starttls-absent");
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("inconclusive", 0.27, 2, 3), (verdict.Verdict, verdict.Confidence, verdict.Agreeing, verdict.Total));
    }

    [Fact]
    public void AProbeWithAnotherCertificateMeansTheCertificateWasSubstituted()
    {
        var run = Replay("smtp-tls-weak.pcap", Ok("abroad", "127.0.0.1:2625", protocol: "smtp", cert: CertA));
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("certificate-substituted", "smtp", "127.0.0.1:2625", "mail.example.test", 1, 1),
            (verdict.Verdict, verdict.Protocol, verdict.Server, verdict.ServerName, verdict.Agreeing, verdict.Total));
        Assert.Equal([TlsWeakCert], verdict.Passive.CertSha256);
        Assert.Equal(CertA, Assert.Single(verdict.Probes).CertSha256);
        Assert.Contains(TlsWeakCert, verdict.Summary);
        Assert.Contains(CertA, verdict.Summary);
    }

    [Fact]
    public void ProbesAreFoundByHostNameAsWellAsByEndpoint()
    {
        var run = Replay("smtp-tls-weak.pcap", Ok("abroad", "192.0.2.25:2625", protocol: "smtp", cert: CertA, name: "MAIL.example.test"));
        Assert.Equal("certificate-substituted", Assert.Single(run.Verdicts).Verdict);
    }

    [Fact]
    public void TheSameCertificateAsTheProbesMakesNoVerdict() =>
        Assert.Empty(Replay("smtp-tls-weak.pcap", Ok("abroad", "127.0.0.1:2625", protocol: "smtp", cert: TlsWeakCert)).Verdicts);

    [Fact]
    public void TheProxiedLegOfAStrippedCaptureIsInterferenceOnPathByName()
    {
        var run = Replay("smtp-strip-removed.pcap", Ok("abroad", "192.0.2.25:25", protocol: "smtp", name: "mail.example.test"));
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("interference-on-path", "127.0.0.2:25"), (verdict.Verdict, verdict.Server));
        Assert.Equal(["starttls-stripped/removed"], verdict.Passive.Findings);
    }

    [Fact]
    public void AProbeOfTheSameNameOnAnotherPortSettlesNothing()
    {
        var run = Replay("smtp-strip-removed.pcap", Ok("abroad", "192.0.2.25:587", protocol: "smtp", name: "mail.example.test"));
        var verdict = Assert.Single(run.Verdicts);
        Assert.Equal(("inconclusive", "127.0.0.2:25", 0), (verdict.Verdict, verdict.Server, verdict.Total));
    }

    [Fact]
    public void WithNoProbesInTheStoreTheFindingsAreThoseOfTheManifest()
    {
        foreach (var capture in Manifest.Load().Captures.Where(c => c.File is "imap-strip-absent-unknown.pcap" or "smtp-strip-removed.pcap" or "smtp-tls-weak.pcap"))
        {
            var run = Replay(capture.File);
            Assert.Equal(capture.Findings.Select(f => f.ToString()).Order(StringComparer.Ordinal), run.Records.FindingLines());
            Assert.All(run.Verdicts, v => Assert.Equal(("inconclusive", 0), (v.Verdict, v.Total)));
        }
    }
}
