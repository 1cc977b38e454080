using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Storage;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Storage;

/// <summary>The store keeps user names exactly as the JSON does, and a secret only when asked to.</summary>
public class ExactCredentialStoreTests
{
    private static SensorStore Replay(string db, string capture, bool showSecrets)
    {
        var store = SensorStore.Open(db);
        var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, store,
            new RecordMapper(new SecretRedactor(showSecrets, new byte[32])), [new StoreSink(store, keepSessions: true)]);
        foreach (var s in ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, capture)))
            pipeline.OnFrame(Sensor.Core.Decoding.LinkType.Raw, s.Ticks, s.ToRawIpFrame());
        pipeline.Complete();
        store.Flush();
        return store;
    }

    private static string NewDb() => Path.Combine(Path.GetTempPath(), $"sensor-exact-{Guid.NewGuid():N}.db");

    [Fact]
    public void SessionAndFindingNameTheSameUserAndTheSecretIsExactOnlyWhenShown()
    {
        using (var shown = Replay(NewDb(), "imap-login-unicode.pcap", showSecrets: true))
        {
            var finding = Assert.Single(shown.Findings());
            Assert.Equal("dave", Assert.Single(Assert.Single(shown.Sessions()).Auth).User);
            Assert.Equal("dave", finding.Evidence["user"]);
            Assert.Equal("Ünïcødé-Pä55\\x", finding.Evidence["secret"]);
        }
        using var redacted = Replay(NewDb(), "pop3-user-pass-unicode.pcap", showSecrets: false);
        foreach (var finding in redacted.Findings())
        {
            Assert.Equal("redacted", finding.Evidence["secret"]);
            Assert.False(finding.Evidence.ContainsKey("secret_base64"));
        }
    }
}
