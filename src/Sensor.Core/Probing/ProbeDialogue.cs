namespace Sensor.Core.Probing;

/// <summary>
/// One protocol's side of a probe: read the greeting, ask for the capabilities, ask for STARTTLS,
/// say goodbye. Each step records what the server said in the result; a step that cannot go on
/// throws <see cref="ProbeStepException"/>.
/// </summary>
internal abstract class ProbeDialogue(ProbeOptions options)
{
    protected ProbeOptions Options { get; } = options;

    public static ProbeDialogue For(ProbeProtocol protocol, ProbeOptions options) => protocol switch
    {
        ProbeProtocol.Smtp => new SmtpProbeDialogue(options),
        ProbeProtocol.Imap => new ImapProbeDialogue(options),
        _ => new Pop3ProbeDialogue(options),
    };

    public abstract Task GreetAsync(ProbeConnection connection, ProbeResult result);

    public abstract Task CapabilitiesAsync(ProbeConnection connection, ProbeResult result);

    /// <summary>Asks for STARTTLS/STLS; true when the server said to go ahead.</summary>
    public abstract Task<bool> StartTlsAsync(ProbeConnection connection, ProbeResult result);

    protected abstract string QuitCommand { get; }

    protected abstract bool IsQuitReplyEnd(string line);

    /// <summary>QUIT/LOGOUT and read the answer, briefly; a server that is gone is no error here.</summary>
    public async Task QuitAsync(ProbeConnection connection)
    {
        var patience = TimeSpan.FromTicks(Math.Min(Options.ReplyTimeout.Ticks, TimeSpan.FromSeconds(2).Ticks));
        try
        {
            await connection.WriteLineAsync(QuitCommand, QuitCommand, patience);
            await connection.ReadReplyAsync(IsQuitReplyEnd, $"the {QuitCommand} reply", patience);
        }
        catch (ProbeStepException)
        {
        }
    }

    protected Task<List<string>> ReplyAsync(ProbeConnection connection, Func<string, bool> isLast, string step) =>
        connection.ReadReplyAsync(isLast, step, Options.ReplyTimeout);

    /// <summary>Sends "[tag ]verb[ argument]" and reads the reply; errors name the verb.</summary>
    protected async Task<List<string>> CommandAsync(ProbeConnection connection, string verb, Func<string, bool> isLast, string? tag = null, string? argument = null)
    {
        var command = (tag is null ? verb : $"{tag} {verb}") + (argument is null ? "" : $" {argument}");
        await connection.WriteLineAsync(command, verb, Options.ReplyTimeout);
        return await ReplyAsync(connection, isLast, $"the {verb} reply");
    }

    protected static string Joined(List<string> lines) => string.Join("\n", lines);

    /// <summary>
    /// The banner and server name as the capture side derives them from the same bytes; the raw
    /// reply stands in as the banner when the parser took it for no greeting (a hostile server).
    /// </summary>
    protected static void ReadGreeting(ProbeConnection connection, ProbeResult result, List<string> reply)
    {
        var session = connection.Reading.Session;
        result.Banner = session.Banner ?? Joined(reply);
        result.ServerName = session.ServerName;
    }
}
