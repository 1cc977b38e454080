namespace Sensor.Core.Probing;

/// <summary>SMTP (RFC 5321, RFC 3207): multi-line 220 greeting, EHLO, STARTTLS, QUIT.</summary>
internal sealed class SmtpProbeDialogue(ProbeOptions options) : ProbeDialogue(options)
{
    protected override string QuitCommand => "QUIT";

    protected override bool IsQuitReplyEnd(string line) => IsLastLine(line);

    private static bool IsLastLine(string line) => line.Length < 4 || line[3] != '-';

    private static string Code(List<string> reply) => reply[^1].Length >= 3 ? reply[^1][..3] : reply[^1];

    public override async Task GreetAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await connection.ReadReplyAsync(IsLastLine, "the greeting", Options.GreetingTimeout);
        ReadGreeting(connection, result, reply);
        if (Code(reply) != "220")
            throw ProbeStepException.Protocol($"greeting is not 220: {ProbeConnection.Truncate(reply[^1])}");
    }

    public override async Task CapabilitiesAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await CommandAsync(connection, "EHLO", IsLastLine, argument: Options.EhloName);
        if (Code(reply) != "250")
            throw new ProbeStepException(ProbeOutcome.StartTlsAbsent, $"EHLO refused: {ProbeConnection.Truncate(reply[^1])}");
        connection.Reading.CopyCapabilitiesTo(result);
    }

    public override async Task<bool> StartTlsAsync(ProbeConnection connection, ProbeResult result)
    {
        var reply = await CommandAsync(connection, "STARTTLS", IsLastLine);
        result.StartTlsReply = Joined(reply);
        return Code(reply) == "220";
    }
}
