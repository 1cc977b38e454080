namespace Sensor.Core.Probing;

/// <summary>POP3 (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS): +OK greeting, CAPA, STLS, QUIT.</summary>
internal sealed class Pop3ProbeDialogue(ProbeOptions options) : ProbeDialogue(options)
{
    protected override string QuitCommand => "QUIT";

    protected override bool IsQuitReplyEnd(string line) => true;

    public override async Task GreetAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await connection.ReadReplyAsync(_ => true, "the greeting", Options.GreetingTimeout);
        ReadGreeting(connection, result, reply);
        if (!reply[0].StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
            throw ProbeStepException.Protocol($"greeting is not '+OK': {ProbeConnection.Truncate(reply[0])}");
    }

    public override async Task CapabilitiesAsync(ProbeConnection connection, ProbeResult result)
    {
        // A multi-line answer ends with "."; an -ERR is a single line.
        var reply = await CommandAsync(connection, "CAPA", line => line == "." || line.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase));
        if (!reply[0].StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
            throw new ProbeStepException(ProbeOutcome.StartTlsAbsent, $"CAPA refused: {ProbeConnection.Truncate(reply[0])}");
        connection.Reading.CopyCapabilitiesTo(result);
    }

    public override async Task<bool> StartTlsAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await CommandAsync(connection, "STLS", _ => true);
        result.StartTlsReply = reply[0];
        return reply[0].StartsWith("+OK", StringComparison.OrdinalIgnoreCase);
    }
}
