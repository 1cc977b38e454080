using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Storage;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Storage;

/// <summary>
/// The store's filters over three real captures, each its own run: a clean SMTP STARTTLS capture (no
/// finding), IMAP LOGIN in the clear (alice@example.test and bob on 127.0.0.1:143, 12:02 UTC) and
/// Cyrus IMAP without STARTTLS (bob by AUTHENTICATE PLAIN and a second session on 127.0.0.1:12143, 19:02 UTC).
/// Every filter is checked to keep what it names and to leave out the rest.
/// </summary>
public sealed class StoreQueryTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"sensor-query-{Guid.NewGuid():N}.db");
    private readonly string _cleanRun, _loginRun, _cyrusRun;

    public StoreQueryTests()
    {
        ServerHistoryTests.RunWithStore(_db, Capture("smtp-starttls-clean.pcap"), out _cleanRun);
        ServerHistoryTests.RunWithStore(_db, Capture("imap-login-cleartext.pcap"), out _loginRun, showSecrets: true);
        ServerHistoryTests.RunWithStore(_db, Capture("imap-cyrus-strip-removed.pcap"), out _cyrusRun);
    }

    private static List<SegmentSpec> Capture(string name) => ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, name));

    private List<FindingRecord> Findings(RecordFilter filter)
    {
        using var store = SensorStore.OpenReadOnly(_db);
        return store.FindFindings(filter).ToList();
    }

    private List<SessionRecord> Sessions(RecordFilter filter)
    {
        using var store = SensorStore.OpenReadOnly(_db);
        return store.FindSessions(filter).ToList();
    }

    private static DateTime Utc(string rfc3339) => DateTime.Parse(rfc3339, null, System.Globalization.DateTimeStyles.AdjustToUniversal);

    [Fact]
    public void EveryRecordNamesItsRunAndEveryRunIsStored()
    {
        using var store = SensorStore.OpenReadOnly(_db);
        Assert.Equal(6, store.Sessions().Count());
        Assert.Equal(5, store.Findings().Count());
        Assert.All(store.Sessions(), s => Assert.Contains(s.Run, new[] { _cleanRun, _loginRun, _cyrusRun }));
        Assert.Equal([_cyrusRun, _cyrusRun, _cyrusRun, _loginRun, _loginRun], store.FindFindings(new RecordFilter()).Select(f => f.Run));
        var runs = store.FindRuns(new RecordFilter()).ToList();
        Assert.Equal([_cyrusRun, _loginRun, _cleanRun], runs.Select(r => r.Id));
        Assert.All(runs, r => Assert.Equal(("replay", "test-sensor"), (r.Mode, r.Sensor)));
        Assert.All(runs, r => Assert.NotNull(r.End));
        Assert.Equal((2, 2), store.CountOfRun(_loginRun));
        Assert.Equal((2, 0), store.CountOfRun(_cleanRun));
    }

    [Fact]
    public void UserFilterKeepsThatUserOnly()
    {
        var alice = Assert.Single(Findings(new RecordFilter { User = "alice@example.test" }));
        Assert.Equal(("plaintext-credential", "imap-login", "127.0.0.1:143", _loginRun), (alice.Kind, alice.Variant, alice.Server, alice.Run));
        Assert.Equal(["imap-authenticate-plain", "imap-login"], Findings(new RecordFilter { User = "bob" }).Select(f => f.Variant));
        Assert.Equal(["PLAIN", "LOGIN"], Sessions(new RecordFilter { User = "bob" }).Select(s => s.Auth.Single().Mechanism));
        Assert.Empty(Findings(new RecordFilter { User = "Bob" })); // user names are exact
    }

    [Fact]
    public void KindVariantAndSeverityFiltersExcludeTheRest()
    {
        Assert.Equal(2, Findings(new RecordFilter { Kinds = ["starttls-absent"] }).Count);
        Assert.All(Findings(new RecordFilter { Kinds = ["starttls-absent"] }), f => Assert.Equal("127.0.0.1:12143", f.Server));
        Assert.Equal(["imap-login", "imap-login"], Findings(new RecordFilter { Variants = ["imap-login"] }).Select(f => f.Variant));
        var high = Findings(new RecordFilter { MinSeverity = Severity.High });
        Assert.Equal(3, high.Count);
        Assert.All(high, f => Assert.Equal(("plaintext-credential", "high"), (f.Kind, f.Severity)));
        Assert.Equal(5, Findings(new RecordFilter { MinSeverity = Severity.Low }).Count);
        Assert.Empty(Findings(new RecordFilter { Kinds = ["starttls-absent"], MinSeverity = Severity.Medium }));
    }

    [Fact]
    public void ServerFilterTakesAnEndpointAnAddressOrTheGreetingName()
    {
        Assert.Equal(["alice@example.test", "bob"], Findings(new RecordFilter { Server = "127.0.0.1:143" }).Select(f => f.User()).Order());
        Assert.Equal(5, Findings(new RecordFilter { Server = "127.0.0.1" }).Count);
        Assert.Empty(Findings(new RecordFilter { Server = "127.0.0.2" }));
        Assert.Empty(Findings(new RecordFilter { Server = "127.0.0.1:25" }));
        var named = Sessions(new RecordFilter { Server = "MAIL.example.test" });
        Assert.Equal(["127.0.0.1:25", "127.0.0.1:587"], named.Select(s => s.Server).Order());
        using var store = SensorStore.OpenReadOnly(_db);
        var offered = store.FindServers(new RecordFilter { Server = "127.0.0.1:587" }).Single();
        Assert.Equal((true, _cleanRun), (offered.StarttlsOffered, offered.OfferedRun));
        Assert.Equal(["smtp|ep|127.0.0.1:25", "smtp|name|mail.example.test|25"], store.FindServers(new RecordFilter { Run = _cleanRun }).Select(s => s.Id).Where(id => id.Contains("25")).Order());
    }

    [Fact]
    public void TimeRangeAndRunFiltersBoundTheRecords()
    {
        Assert.Equal([_loginRun, _loginRun], Findings(new RecordFilter { To = Utc("2026-11-29T13:00:00Z") }).Select(f => f.Run));
        Assert.Equal(3, Findings(new RecordFilter { From = Utc("2026-11-29T13:00:00Z") }).Count);
        Assert.Empty(Findings(new RecordFilter { From = Utc("2026-11-29T12:03:00Z"), To = Utc("2026-11-29T19:00:00Z") }));
        Assert.Equal(2, Sessions(new RecordFilter { Run = _cleanRun }).Count);
        Assert.Empty(Findings(new RecordFilter { Run = _cleanRun }));
        Assert.Empty(Findings(new RecordFilter { Run = "20990101T000000Z-00000000" }));
        var newest = Assert.Single(Findings(new RecordFilter { Limit = 1 }));
        Assert.Equal("2026-11-29T19:02:03.515433Z", newest.Ts);
    }

    [Fact]
    public void StoredSecretsAreRedactedOnReadUnlessAskedFor()
    {
        var stored = Findings(new RecordFilter { User = "bob", Run = _loginRun }).Single();
        Assert.NotEqual(SecretRedactor.Redacted, stored.Evidence["secret"]); // this run was written with --show-secrets
        var fingerprint = stored.Evidence["secret_fingerprint"];
        var shown = SecretRedactor.Stored(stored, reveal: false);
        Assert.Equal(SecretRedactor.Redacted, shown.Evidence["secret"]);
        Assert.Equal(fingerprint, shown.Evidence["secret_fingerprint"]);
        var cyrus = Findings(new RecordFilter { User = "bob", Run = _cyrusRun }).Single();
        Assert.Equal(SecretRedactor.Redacted, cyrus.Evidence["secret"]); // written redacted: nothing to reveal
    }

    [Fact]
    public void PruneDeletesOlderRecordsAndTheRunsLeftEmpty()
    {
        using (var store = SensorStore.Open(_db))
        {
            var deleted = store.Prune(Utc("2026-11-29T13:00:00Z"));
            Assert.Equal((4, 2, 0), (deleted["sessions"], deleted["findings"], deleted["runs"])); // the runs started after the cutoff
            Assert.Equal(["127.0.0.1:12143", "127.0.0.1:12143"], store.Sessions().Select(s => s.Server));
            Assert.Equal(3, store.Stats().Records["runs"]);
            Assert.All(store.FindServers(new RecordFilter()), s => Assert.True(s.LastSeen.ToUniversalTime() >= Utc("2026-11-29T13:00:00Z")));
        }
        using (var store = SensorStore.Open(_db))
        {
            var deleted = store.Prune(DateTime.UtcNow.AddMinutes(1));
            Assert.Equal((2, 3, 3), (deleted["sessions"], deleted["findings"], deleted["runs"]));
            var stats = store.Stats();
            Assert.All(SensorStore.Collections, c => Assert.Equal(0, stats.Records[c]));
            Assert.True(stats.DataBytes > 0);
        }
    }

    public void Dispose()
    {
        foreach (var file in new[] { _db, OwnerOnlyFiles.LogFileOf(_db) })
            File.Delete(file);
    }
}
