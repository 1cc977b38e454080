namespace Sensor.Core.Probing;

/// <summary>IMAP (RFC 3501/9051, RFC 2595): untagged greeting, CAPABILITY, STARTTLS, LOGOUT.</summary>
internal sealed class ImapProbeDialogue(ProbeOptions options) : ProbeDialogue(options)
{
    protected override string QuitCommand => "s3 LOGOUT";

    protected override bool IsQuitReplyEnd(string line) => line.StartsWith("s3 ", StringComparison.Ordinal);

    private static Func<string, bool> Tagged(string tag) => line => line.StartsWith(tag + " ", StringComparison.Ordinal);

    public override async Task GreetAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await connection.ReadReplyAsync(_ => true, "the greeting", Options.GreetingTimeout);
        ReadGreeting(connection, result, reply);
        if (!reply[0].StartsWith("* OK", StringComparison.OrdinalIgnoreCase) && !reply[0].StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase))
            throw ProbeStepException.Protocol($"greeting is not '* OK': {ProbeConnection.Truncate(reply[0])}");
    }

    public override async Task CapabilitiesAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await CommandAsync(connection, "CAPABILITY", Tagged("s1"), tag: "s1");
        var untagged = reply.FirstOrDefault(l => l.StartsWith("* CAPABILITY ", StringComparison.OrdinalIgnoreCase));
        if (untagged is null || !reply[^1].StartsWith("s1 OK", StringComparison.OrdinalIgnoreCase))
            throw new ProbeStepException(ProbeOutcome.StartTlsAbsent, $"CAPABILITY failed: {ProbeConnection.Truncate(reply[^1])}");
        connection.Reading.CopyCapabilitiesTo(result);
    }

    public override async Task<bool> StartTlsAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await CommandAsync(connection, "STARTTLS", Tagged("s2"), tag: "s2");
        result.StartTlsReply = Joined(reply);
        return reply[^1].StartsWith("s2 OK", StringComparison.OrdinalIgnoreCase);
    }
}
