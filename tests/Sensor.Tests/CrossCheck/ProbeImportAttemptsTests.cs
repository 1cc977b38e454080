using Sensor.Core.CrossCheck;
using Sensor.Core.Probing;

namespace Sensor.Tests.CrossCheck;

/// <summary>An imported probe's attempts are checked like the record itself: each connection counts in a verdict.</summary>
public class ProbeImportAttemptsTests
{
    private static string Line(string attempts) =>
        "{\"type\":\"probe\",\"vantage\":\"abroad\",\"ts\":\"2026-11-29T11:00:00Z\",\"protocol\":\"smtp\",\"port\":25,\"server\":\"192.0.2.1:25\","
        + "\"outcome\":\"ok\",\"tls_established\":true,\"attempts\":" + attempts + "}";

    [Fact]
    public void AttemptsWithKnownOutcomesAreKept()
    {
        var (_, record, error) = ProbeImport.Parse(Line("[{\"outcome\":\"ok\",\"tls_established\":true},{\"outcome\":\"starttls-absent\"}]"));
        Assert.Null(error);
        Assert.Equal([ProbeOutcome.Ok, ProbeOutcome.StartTlsAbsent], record!.Attempts!.Select(a => a.Outcome));
    }

    [Theory]
    [InlineData("[]", "probe record \"attempts\" must hold 1 to 10 connections, not 0")]
    [InlineData("[{\"outcome\":\"maybe\"}]", "probe record \"attempts\" has an unknown outcome: 'maybe'")]
    [InlineData("[{\"outcome\":\"starttls-absent\",\"tls_established\":true}]", "probe record \"attempts\" says tls_established with outcome 'starttls-absent'")]
    public void BadAttemptsRefuseTheLine(string attempts, string expected) =>
        Assert.Equal(expected, ProbeImport.Parse(Line(attempts)).Error);
}
