using System.CommandLine;
using NATS.Client.Core;
using Sensor.Cli.Commands.Options;
using Sensor.Core.Agents;
using Sensor.Core.Output;
using Sensor.Core.Probing.Socks;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>The NATS server and credentials options shared by `sensor agent` and `sensor probe --via`.</summary>
public sealed class BusOptions
{
    public Option<string?> Bus { get; } = new Option<string?>("--bus") { Description = "NATS server to connect to, e.g. nats://bus.example.org:4222 (tls:// for TLS)", HelpName = "URL" }
        .Checked(url => UrlProblem(url) is { } problem ? $"--bus {problem}" : null);
    public Option<string?> Creds { get; } = new("--creds") { Description = "NATS credentials file (JWT + NKey seed, from nsc)", HelpName = "FILE" };
    public Option<string?> User { get; } = new("--user") { Description = "NATS user name (with --password-file)", HelpName = "NAME" };
    public Option<string?> PasswordFile { get; } = new("--password-file") { Description = "file holding the NATS password for --user", HelpName = "FILE" };
    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "file holding a NATS authentication token", HelpName = "FILE" };

    public IEnumerable<Option> All => [Bus, Creds, User, PasswordFile, TokenFile];

    /// <summary>The NATS options, or a UsageException with one line: a server and exactly one credential are required.</summary>
    public NatsOpts Read(ParseResult result, string clientName, TimeSpan connectTimeout) => Build(Values(result), clientName, connectTimeout);

    /// <summary>What the command line says about the bus.</summary>
    public BusValues Values(ParseResult result) =>
        new(result.GetValue(Bus), result.GetValue(Creds), result.GetValue(User), result.GetValue(PasswordFile), result.GetValue(TokenFile));

    /// <summary>The NATS options of these values, or a UsageException with one line: a server and exactly one credential are required.</summary>
    public static NatsOpts Build(BusValues values, string clientName, TimeSpan connectTimeout)
    {
        var url = values.Url ?? throw new UsageException("--bus nats://HOST:PORT is required");
        if (UrlProblem(url) is { } problem)
            throw new UsageException($"--bus {problem}");
        if (values.CredentialProblem() is { } missing)
            throw new UsageException(missing);
        var (creds, user, passwordFile, tokenFile) = (values.Creds, values.User, values.PasswordFile, values.TokenFile);
        if (creds is not null && !File.Exists(creds))
            throw new UsageException($"--creds: cannot read {creds}");
        var credentials = new BusCredentials(creds, user, passwordFile is null ? null : Secret(passwordFile, "--password-file"), tokenFile is null ? null : Secret(tokenFile, "--token-file"));
        return AgentBus.Options(url, credentials, clientName, connectTimeout);
    }

    /// <summary>What is wrong with a bus URL, or null.</summary>
    public static string? UrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || uri.Host.Length == 0)
            return $"takes nats://HOST:PORT (or tls://, ws://, wss://), not '{url}'";
        return uri.UserInfo.Length > 0
            ? "must not carry credentials in the URL (they would show in ps); use --creds, --user with --password-file, or --token-file"
            : null;
    }

    private static string Secret(string path, string option)
    {
        try
        {
            var text = File.ReadAllText(path).TrimEnd('\r', '\n');
            return text.Length > 0 ? text : throw new UsageException($"{option}: {path} is empty");
        }
        catch (IOException e)
        {
            throw new UsageException($"{option}: cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {path}: permission denied");
        }
    }

    /// <summary>The open connection, or null after logging one line for a failed one (the command then exits 2).</summary>
    public static async Task<NatsConnection?> ConnectOrLogAsync(NatsOpts opts, CancellationToken token)
    {
        try
        {
            return await AgentBus.ConnectAsync(opts, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log.Error("{Message}", Describe(e, opts.Url));
            return null;
        }
    }

    /// <summary>One line for a failed connection (refused, unreachable, bad credentials).</summary>
    public static string Describe(Exception e, string url)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is not NatsServerException)
            inner = inner.InnerException;
        var text = inner.Message.ReplaceLineEndings(" ");
        if (text.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase) || text.Contains("authorization", StringComparison.OrdinalIgnoreCase))
            return $"cannot connect to {url}: the NATS server refused the credentials (Authorization Violation)";
        if (e is TimeoutException)
            return $"cannot connect to {url}: no answer in time";
        return text.Contains("can not connect", StringComparison.OrdinalIgnoreCase)
            ? $"cannot connect to {url}: no NATS server accepted the connection (refused or unreachable)"
            : $"cannot connect to {url}: {text}";
    }
}

/// <summary>`sensor agent --name NAME --bus nats://...`: a probe agent that answers `sensor probe --via NAME` from where it runs.</summary>
public static class AgentCommand
{
    private static readonly AgentSettings Defaults = new() { Name = "" };
    private static readonly Option<string> Name = new Option<string>("--name") { Description = "this vantage point's name (1-64 of A-Z a-z 0-9 - _); requests come on sensor.probe.NAME", Required = true, HelpName = "NAME" }
        .Checked(name => AgentSubjects.IsValidName(name) ? null : $"--name takes 1-64 letters, digits, '-' or '_', not '{name}'");
    private static readonly BusOptions BusOpts = new();
    private static readonly Option<TargetPolicy> Allow = new("--allow")
    {
        Description = "CIDR the agent may probe although private, loopback or link-local (repeatable), e.g. 127.0.0.0/8 for tests",
        HelpName = "CIDR",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => Defaults.Policy,
        CustomParser = result =>
        {
            try
            {
                return TargetPolicy.Parse([.. result.Tokens.Select(t => t.Value)]);
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
                return null;
            }
        },
    };
    private static readonly Option<int?> MaxConcurrent = TypedOptions.Count("--max-concurrent", $"probes at once over all requests (default {Defaults.MaxConcurrent})", 1, 256);
    private static readonly Option<int?> Rate = TypedOptions.Count("--rate", $"probes per requester per minute (default {Defaults.RatePerMinute})", 1, 100_000);

    public static Command Build()
    {
        var command = new Command("agent", "Run a probe agent: connect out to a NATS server and answer `sensor probe --via NAME` with probes made from here. "
            + "Refuses private, loopback and link-local addresses (after DNS) unless --allow covers them; bounds concurrency, the rate per requester and every probe. Runs until interrupted.")
        {
            Name, Allow, MaxConcurrent, Rate, CommonOptions.LogFile, CommonOptions.Verbose,
        };
        foreach (var option in BusOpts.All)
            command.Options.Add(option);
        command.SetAction((result, token) => RunAsync(result, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken token)
    {
        CommonOptions.ConfigureLogging(result);
        AgentSettings settings;
        NatsOpts opts;
        try
        {
            var name = result.GetValue(Name)!;
            settings = Defaults with
            {
                Name = name,
                Policy = result.GetValue(Allow)!,
                MaxConcurrent = result.GetValue(MaxConcurrent) ?? Defaults.MaxConcurrent,
                RatePerMinute = result.GetValue(Rate) ?? Defaults.RatePerMinute,
            };
            opts = BusOpts.Read(result, $"sensor-agent-{name}", TimeSpan.FromSeconds(10));
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        var agent = new ProbeAgent(settings);
        if (await BusOptions.ConnectOrLogAsync(opts, token) is not { } nats)
            return ExitCodes.BadInput;
        await using (nats)
        {
            var allowed = settings.Policy.Allowed.Count == 0 ? "none" : string.Join(", ", settings.Policy.Allowed);
            // On stderr whatever the log level: the operator (and the tests) wait for it.
            Console.Error.WriteLine($"sensor: agent {settings.Name} listening on {agent.Subject} at {opts.Url} (private/loopback/link-local allowed: {allowed})");
            Log.Information("agent {Name} listening on {Subject} at {Url} (private/loopback/link-local allowed: {Allowed}; {Concurrent} at once; {Rate}/min per requester)",
                settings.Name, agent.Subject, opts.Url, allowed, settings.MaxConcurrent, settings.RatePerMinute);
            await agent.ServeAsync(nats, line => Log.Information("{Line}", line), token);
        }
        return ExitCodes.Ok;
    }
}

/// <summary>`sensor probe --via NAME`: the same request sent to an agent; its records come back as if probed here, with the agent as vantage.</summary>
public static class ViaAgent
{
    /// <summary>Records, or one error line (no agent, connection refused, bad credentials, the agent refused the request).</summary>
    public static async Task<(List<ProbeRecord> Records, string? Error)> ProbeAsync(ParseResult result, string via, BusOptions bus, AgentRequest request, CancellationToken token)
    {
        var step = request.Timeout ?? 10;
        var wait = AgentVantage.WaitFor(TimeSpan.FromSeconds(step), request.Attempts ?? 1);
        NatsOpts opts;
        try
        {
            opts = bus.Read(result, "sensor-probe", TimeSpan.FromSeconds(Math.Min(step, 10)));
        }
        catch (UsageException e)
        {
            return ([], e.Message);
        }
        return await AskAsync(opts, via, request, wait, token);
    }

    /// <summary>Why <paramref name="via"/> is not an agent name, or null when it is one (the check of every --via).</summary>
    /// <summary>What is wrong with a --via value: an agent's name, or a SOCKS5 proxy (socks5://HOST:PORT or tor).</summary>
    public static string? NameError(string via)
    {
        if (!SocksProxy.IsProxy(via))
            return AgentSubjects.IsValidName(via) ? null : $"--via takes an agent name (1-64 letters, digits, '-' or '_'), tor or socks5://HOST:PORT, not '{via}'";
        try
        {
            SocksProxy.Parse(via);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>One request to one agent: its records (their vantage set to its name), or one error line.</summary>
    public static async Task<(List<ProbeRecord> Records, string? Error)> AskAsync(NatsOpts opts, string via, AgentRequest request, TimeSpan wait, CancellationToken token)
    {
        NatsConnection nats;
        try
        {
            nats = await AgentBus.ConnectAsync(opts, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            return ([], BusOptions.Describe(e, opts.Url));
        }
        await using (nats)
        {
            AgentReply reply;
            try
            {
                reply = await AgentBus.RequestAsync(nats, via, request, wait, token);
            }
            catch (AgentUnavailableException e)
            {
                return ([], e.Message);
            }
            if (reply.Error is not null)
                return ([], $"agent {via} refused the request: {reply.Error}");
            foreach (var record in reply.Records)
                record.Vantage = via;
            return (reply.Records, null);
        }
    }
}

/// <summary>The bus as given: a server and the credential files; null where not given.</summary>
public sealed record BusValues(string? Url, string? Creds, string? User, string? PasswordFile, string? TokenFile)
{
    private bool HasCredential => Creds is not null || User is not null || PasswordFile is not null || TokenFile is not null;

    /// <summary>Unless exactly one kind of credential is given (a credentials file, a user with a password file, or a token file), what is wrong.</summary>
    public string? CredentialProblem()
    {
        var given = (Creds is null ? 0 : 1) + (User is null && PasswordFile is null ? 0 : 1) + (TokenFile is null ? 0 : 1);
        if (given == 0)
            return "NATS credentials are required: give --creds FILE, --user NAME with --password-file FILE, or --token-file FILE";
        if (given > 1)
            return "give one kind of NATS credential: --creds, --user with --password-file, or --token-file";
        return (User is null) != (PasswordFile is null) ? "--user and --password-file go together" : null;
    }

    /// <summary>
    /// These values over the config file's: the command line's server wins, and its credential, when it
    /// gives one, replaces the file's whole (two kinds of credential are an error, never a mix).
    /// </summary>
    public BusValues Over(Service.BusSettings config) =>
        HasCredential
            ? this with { Url = Url ?? config.Url }
            : new(Url ?? config.Url, config.Creds, config.User, config.PasswordFile, config.TokenFile);
}

