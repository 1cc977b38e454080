using System.Text.Json;
using NATS.Client.Core;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Agents;

/// <summary>How an agent bounds what it does for others.</summary>
public sealed record AgentSettings
{
    public required string Name { get; init; }
    public TargetPolicy Policy { get; init; } = TargetPolicy.Default;
    /// <summary>Probes running at once, over all requests.</summary>
    public int MaxConcurrent { get; init; } = 4;
    /// <summary>Probes per requester per minute.</summary>
    public int RatePerMinute { get; init; } = 30;
    /// <summary>Targets (as written) in one request.</summary>
    public int MaxTargets { get; init; } = 32;
    /// <summary>Longest step timeout a request may ask for.</summary>
    public TimeSpan MaxStepTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Bound on one request as a whole (DNS, waiting for a slot, all its probes).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>Requests held at once, over all requesters; more are refused at once.</summary>
    public int MaxPending { get; init; } = 64;
    /// <summary>Requests held at once for one requester; more from it are refused at once.</summary>
    public int MaxPendingPerRequester { get; init; } = 4;
    public Func<DateTimeOffset>? Clock { get; init; }
}

/// <summary>
/// The probe agent: answers probe requests on <c>sensor.probe.NAME</c> with probe records whose
/// vantage is NAME. Every address is checked against the target policy after DNS resolution and
/// the probe is pinned to it; refusals (policy, rate limit) come back as records with outcome
/// <see cref="RefusedOutcome"/> and the reason in <c>error</c>, never dropped.
/// </summary>
public sealed class ProbeAgent
{
    public const string RefusedOutcome = "refused-by-agent";

    /// <summary>A DNS name (253), brackets, a colon and a port, with room to spare.</summary>
    private const int MaxTargetLength = 300;

    private readonly AgentSettings _settings;
    private readonly SemaphoreSlim _slots;
    private readonly RateLimiter _rate;
    private readonly RequestGate _gate;

    public ProbeAgent(AgentSettings settings)
    {
        if (!AgentSubjects.IsValidName(settings.Name))
            throw new ArgumentException("an agent name is 1-64 letters, digits, '-' or '_'", nameof(settings));
        _settings = settings;
        _slots = new SemaphoreSlim(settings.MaxConcurrent);
        _rate = new RateLimiter(settings.RatePerMinute, TimeSpan.FromMinutes(1), settings.Clock);
        _gate = new RequestGate(settings.MaxPending, settings.MaxPendingPerRequester);
    }

    public string Name => _settings.Name;
    public string Subject => AgentSubjects.For(_settings.Name);

    /// <summary>
    /// Serves requests until cancelled. Each admitted request is handled on its own task; the probe slots
    /// bound the work and the request gate bounds what waits: a request past it is refused at once.
    /// </summary>
    public async Task ServeAsync(INatsConnection nats, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var msg in nats.SubscribeAsync<byte[]>(Subject, cancellationToken: cancellationToken))
            {
                running.RemoveAll(t => t.IsCompleted);
                var requester = RequesterIdentity.From(RequestInfo(msg.Headers));
                if (_gate.TryEnter(requester) is { } busy)
                {
                    await ReplyAsync(msg, new AgentReply { Agent = Name, Error = busy }, cancellationToken);
                    continue;
                }
                running.Add(Task.Run(() => AnswerAsync(msg, requester, log, cancellationToken), cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        try
        {
            await Task.WhenAll(running);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnswerAsync(NatsMsg<byte[]> msg, string requester, Action<string>? log, CancellationToken cancellationToken)
    {
        try
        {
            AgentReply reply;
            try
            {
                var request = JsonSerializer.Deserialize(msg.Data ?? [], AgentJsonContext.Default.AgentRequest)
                    ?? throw new JsonException("empty request");
                reply = await HandleAsync(request, requester, cancellationToken);
            }
            catch (JsonException e)
            {
                reply = new AgentReply { Agent = Name, Error = $"bad request: {e.Message}" };
            }
            log?.Invoke($"request from {requester}: {reply.Records.Count} record(s){(reply.Error is null ? "" : ", error: " + reply.Error)}");
            await ReplyAsync(msg, reply, cancellationToken);
        }
        finally
        {
            _gate.Leave(requester);
        }
    }

    private static string? RequestInfo(NatsHeaders? headers) =>
        headers is not null && headers.TryGetValue(RequesterIdentity.HeaderName, out var values) ? values.ToString() : null;

    private static ValueTask ReplyAsync(NatsMsg<byte[]> msg, AgentReply reply, CancellationToken cancellationToken) =>
        msg.ReplyTo is null ? ValueTask.CompletedTask
        : msg.ReplyAsync(JsonSerializer.SerializeToUtf8Bytes(reply, AgentJsonContext.Default.AgentReply), cancellationToken: cancellationToken);

    /// <summary>Handles one request: parse, resolve, check each address, rate-limit, probe within the bounds.</summary>
    public async Task<AgentReply> HandleAsync(AgentRequest request, string requester, CancellationToken cancellationToken = default)
    {
        var reply = new AgentReply { Agent = Name };
        var (targets, options, error) = Read(request);
        if (error is not null)
        {
            reply.Error = error;
            return reply;
        }
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(_settings.RequestTimeout);
        // DANE and MTA-STS come from this agent's DNS, and the policy host is held to the target policy too
        options = options with { MtaSts = options.MtaSts with { Refusal = _settings.Policy.Refusal } };
        var checks = new ProbeBatch.PlanChecks(options, whole.Token);
        var plans = new List<ProbePlan>();
        try
        {
            foreach (var target in targets)
                plans.AddRange(await AgentPlanner.PlanAsync(target, checks.Dns, options, whole.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reply.Error = $"the request took longer than {_settings.RequestTimeout.TotalSeconds:0} s resolving its targets";
            return reply;
        }

        var results = new ProbeResult?[plans.Count];
        var toProbe = new List<int>();
        for (var i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            if (p.Known is { } known)
                results[i] = known;
            else if (_settings.Policy.Refusal(p.Address!) is { } why)
                results[i] = AgentPlanner.Result(p.Target, p.Address, RefusedOutcome, why, p.MailDomain, p.Preference);
            else
                toProbe.Add(i);
        }
        var (granted, retry) = _rate.Acquire(requester, toProbe.Count);
        foreach (var i in toProbe.Skip(granted))
        {
            var p = plans[i];
            results[i] = AgentPlanner.Result(p.Target, p.Address, RefusedOutcome,
                $"rate limit: this agent probes at most {_settings.RatePerMinute} servers a minute for one requester; retry in {Math.Ceiling(retry.TotalSeconds):0} s",
                p.MailDomain, p.Preference);
        }
        await Task.WhenAll(toProbe.Take(granted).Select(async i =>
        {
            var p = plans[i];
            try
            {
                results[i] = await checks.ProbeAsync(p, _slots);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                results[i] = AgentPlanner.Result(p.Target, p.Address, ProbeOutcome.Timeout,
                    $"the agent's bound on one request ({_settings.RequestTimeout.TotalSeconds:0} s) ran out before this probe finished", p.MailDomain, p.Preference);
            }
        }));
        reply.Records = [.. results.Select(r => ProbeRecord.From(r!, Name))];
        return reply;
    }

    private (List<ProbeTarget> Targets, ProbeOptions Options, string? Error) Read(AgentRequest request)
    {
        if (request.Targets is not { Count: > 0 })
            return ([], ProbeOptions.Default, "the request names no target");
        if (request.Targets.Count > _settings.MaxTargets)
            return ([], ProbeOptions.Default, $"the request names {request.Targets.Count} targets; this agent takes at most {_settings.MaxTargets} at once");
        ProbeSelection? selection = null;
        if (request.Proto is { } proto)
        {
            if (!ProbeTarget.TryParseSelection(proto, out var s))
                return ([], ProbeOptions.Default, $"proto takes smtp, submission, imap, pop3 or all, not '{proto}'");
            selection = s;
        }
        var step = TimeSpan.FromSeconds(10);
        if (request.Timeout is { } seconds)
        {
            if (!(seconds > 0) || seconds > _settings.MaxStepTimeout.TotalSeconds)
                return ([], ProbeOptions.Default, FormattableString.Invariant(
                    $"timeout takes seconds above 0 and at most {_settings.MaxStepTimeout.TotalSeconds:0} on this agent, not {seconds}"));
            step = TimeSpan.FromSeconds(seconds);
        }
        if (request.Attempts is < 1 or > ProbeOptions.MaxAttempts)
            return ([], ProbeOptions.Default, $"attempts takes 1 to {ProbeOptions.MaxAttempts}, not {request.Attempts}");
        var options = ProbeOptions.WithStepTimeout(step) with { Attempts = request.Attempts ?? 1 };
        if (request.Resolver is { } resolver)
        {
            try
            {
                options = options with { Resolver = MailDns.ParseResolver(resolver) };
            }
            catch (FormatException e)
            {
                return ([], ProbeOptions.Default, e.Message);
            }
            // the resolver is an address the agent sends to as well: the same policy holds
            if (_settings.Policy.Refusal(options.Resolver.Address) is { } why)
                return ([], ProbeOptions.Default, $"resolver refused: {why}");
        }
        var targets = new List<ProbeTarget>();
        foreach (var text in request.Targets)
        {
            if (text is { Length: > MaxTargetLength })
                return ([], ProbeOptions.Default, $"a target is at most {MaxTargetLength} characters (a host name, an address and a port)");
            try
            {
                targets.AddRange(ProbeTarget.Parse(text ?? "", selection));
            }
            catch (FormatException e)
            {
                return ([], ProbeOptions.Default, e.Message);
            }
        }
        return (targets, options, null);
    }
}
