using System.Reflection;
using Sensor.Core.Catalogue;
using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Tests.Detection;
using Sensor.Tests.Protocols;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Catalogue;

/// <summary>Every name the sensor writes is in the one catalogue, with the confidence and evidence types it lists.</summary>
public class CatalogueTests
{
    [Fact]
    public void EveryFindingAndAnomalyOfEveryCapture_KeepsToTheCatalogue()
    {
        var seen = new HashSet<string>();
        foreach (var capture in Manifest.Load().Captures)
        {
            var (sink, _) = ReplayHarness.RunFiles(capture.Path);
            foreach (var finding in sink.RawFindings)
            {
                Assert.Null(CatalogueCheck.Problem(finding));
                seen.Add(FindingCatalogue.Find(finding.Kind, finding.Variant)!.Name);
            }
            foreach (var session in sink.RawSessions)
            {
                Assert.Empty(CatalogueCheck.UnknownAnomalies(session));
                seen.UnionWith(session.Anomalies);
            }
        }
        // Not a vacuous pass: the captures carry these.
        Assert.Subset(seen, new HashSet<string>
        {
            "plaintext-credential/smtp-auth-plain", "plaintext-credential/imap-login", "plaintext-credential/pop3-user-pass",
            "crackable-credential/pop3-apop", "crackable-credential/imap-authenticate-scram-sha-256",
            "starttls-stripped/removed", "starttls-stripped/mangled", "starttls-stripped/rejected", "starttls-absent",
            "cleartext-mail", "unterminated-reply",
        });
    }

    /// <summary>The fuzz targets fail on a name the catalogue lacks; their seed corpora must pass.</summary>
    [Theory]
    [InlineData("mail")]
    [InlineData("packets")]
    [InlineData("replay")]
    public void FuzzCorpus_KeepsToTheCatalogue(string target)
    {
        Action<byte[]> run = target switch
        {
            "mail" => data => Sensor.Fuzz.MailTarget.Run(data),
            "packets" => data => Sensor.Fuzz.PacketTarget.Run(data),
            _ => data => Sensor.Fuzz.ReplayTarget.Run(data),
        };
        var files = Directory.GetFiles(Path.Combine(Manifest.CapturesDirectory, "..", "fuzz", "corpus", target));
        Assert.True(files.Length >= 20, $"only {files.Length} seeds for {target}");
        foreach (var file in files)
            run(File.ReadAllBytes(file));
    }

    [Fact]
    public void NamesOutsideTheCatalogue_AreCaught()
    {
        var session = SessionFactory.Build(MailProtocol.Smtp, "192.0.2.1:25");
        var made = new Finding(FindingKinds.StartTlsStripped, "spliced", Severity.High, 0.9, session, 0, "", []);
        Assert.Equal("finding starttls-stripped/spliced is not in the catalogue", CatalogueCheck.Problem(made));
        var oddConfidence = made with { Variant = StripVariants.Injected, Confidence = 0.85 };
        Assert.Equal("starttls-stripped/injected: confidence 0.85 is not one the catalogue names", CatalogueCheck.Problem(oddConfidence));
        var textBytes = made with { Variant = StripVariants.Injected, Evidence = [new(EvidenceKeys.Bytes, "12")] };
        Assert.Equal("starttls-stripped/injected: evidence 'bytes' holds a String, not the catalogue's type", CatalogueCheck.Problem(textBytes));
        var strayKey = made with { Variant = StripVariants.Injected, Evidence = [new(EvidenceKeys.User, "bob")] };
        Assert.Equal("starttls-stripped/injected: evidence key 'user' is not the catalogue's", CatalogueCheck.Problem(strayKey));

        session.AddAnomaly("tls-alert-2-40");
        session.AddAnomaly("gap-client");
        session.AddAnomaly("ip-fragment-overlap");
        session.AddAnomaly("tls-alert-2-x");
        Assert.Equal(["ip-fragment-overlap", "tls-alert-2-x"], CatalogueCheck.UnknownAnomalies(session));
    }

    [Fact]
    public void EveryAnomalyConstant_IsCatalogued()
    {
        var parts = new[] { nameof(AnomalyNames.TlsAlertPrefix), nameof(AnomalyNames.ClientSide), nameof(AnomalyNames.ServerSide) };
        var names = typeof(AnomalyNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !parts.Contains(f.Name)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(names.Count >= 25);
        Assert.All(names, name => Assert.True(AnomalyCatalogue.Contains(name) || AnomalyCatalogue.Contains(AnomalyNames.Sided(name, client: true)), name));
        Assert.True(AnomalyCatalogue.Contains(AnomalyNames.TlsAlert(2, 40)));
    }

    [Fact]
    public void DefaultRules_GiveEachEntryItsCatalogueSeverity() =>
        Assert.All(FindingCatalogue.Entries, e => Assert.Equal((e.Name, e.Severity), (e.Name, DefaultRules.Rules.SeverityOf(e.Kind, e.Variant))));

    [Fact]
    public void EveryEntryNamesKnownKeysAndAKnownKind()
    {
        Assert.All(FindingCatalogue.Entries, e => Assert.True(FindingCatalogue.IsKind(e.Kind), e.Kind));
        Assert.All(FindingCatalogue.Entries.SelectMany(e => e.Evidence), key => Assert.NotNull(EvidenceKeys.Find(key)));
        Assert.Equal(FindingCatalogue.Entries.Count, FindingCatalogue.Entries.Select(e => e.Name).Distinct().Count());
        // Three SASL commands times 15 mechanisms, plus LOGIN, USER/PASS and APOP.
        Assert.Equal(48, FindingCatalogue.Entries.Count(e => e.Kind is FindingKinds.PlaintextCredential or FindingKinds.CrackableCredential));
        Assert.Equal(FindingKinds.CrackableCredential, FindingCatalogue.Find(FindingKinds.CrackableCredential, "pop3-auth-scram-sha-1-plus")!.Kind);
        Assert.Null(FindingCatalogue.Find(FindingKinds.PlaintextCredential, "smtp-auth-cram-md5"));
    }

    /// <summary>IMAP drops a tagged command past its cap with the anomaly SMTP and POP3 raise (it used to drop it silently).</summary>
    [Fact]
    public void Imap_DropsAPendingTag_WithTooManyPending()
    {
        var t = new Transcript().S(ImapSessionParserTests.DovecotGreeting);
        for (int i = 0; i < 65; i++)
            t.C($"a{i} LOGIN user{i} secret\r\n");
        var events = TranscriptFeeder.Run(() => new ImapSessionParser(), t, bytes => [bytes]);
        var anomaly = Assert.Single(events, e => e.Contains("ProtocolAnomalyEvent"));
        Assert.Contains("Name = too-many-pending, Detail = over 64 commands", anomaly);
    }
}
