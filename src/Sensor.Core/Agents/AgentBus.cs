using NATS.Client.Core;

namespace Sensor.Core.Agents;

/// <summary>How to reach and authenticate to the NATS server. One credential is required.</summary>
public sealed record BusCredentials(string? CredsFile = null, string? User = null, string? Password = null, string? Token = null)
{
    public bool IsEmpty => CredsFile is null && User is null && Token is null;
}

/// <summary>Connects to NATS (outwards, so an agent behind NAT works) and sends requests to agents.</summary>
public static class AgentBus
{
    public static NatsOpts Options(string url, BusCredentials credentials, string clientName, TimeSpan connectTimeout)
    {
        if (credentials.IsEmpty)
            throw new ArgumentException("NATS credentials are required (--creds, --user with --password-file, or --token-file)");
        return NatsOpts.Default with
        {
            Url = url,
            Name = clientName,
            ConnectTimeout = connectTimeout,
            RetryOnInitialConnect = false,
            // a TLS server's certificate is judged by the system store as the probes judge it (RuntimeStoreIsolation);
            // Mode stays what the URL says (Auto would make any configured TLS option mean Require)
            TlsOpts = NatsTlsOpts.Default with
            {
                Mode = url.StartsWith("tls://", StringComparison.OrdinalIgnoreCase) ? TlsMode.Require : TlsMode.Prefer,
                ConfigureClientAuthentication = ValidateWithSystemTrust,
            },
            AuthOpts = NatsAuthOpts.Default with
            {
                CredsFile = credentials.CredsFile,
                Username = credentials.User,
                Password = credentials.Password,
                Token = credentials.Token,
            },
        };
    }

    private static ValueTask ValidateWithSystemTrust(System.Net.Security.SslClientAuthenticationOptions options)
    {
        options.RemoteCertificateValidationCallback ??= Probing.Trust.SystemTrust.Default.ValidateServer;
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens the connection now, so a wrong URL or a refused credential is one clear error at start.</summary>
    public static async Task<NatsConnection> ConnectAsync(NatsOpts options, CancellationToken token)
    {
        var connection = new NatsConnection(options);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(options.ConnectTimeout + TimeSpan.FromSeconds(2), token);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a request to agent <paramref name="agent"/> and waits up to <paramref name="wait"/>.
    /// Throws <see cref="AgentUnavailableException"/> when no agent answers.</summary>
    public static async Task<AgentReply> RequestAsync(INatsConnection nats, string agent, AgentRequest request, TimeSpan wait, CancellationToken token)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, AgentJsonContext.Default.AgentRequest);
        NatsMsg<byte[]> answer;
        try
        {
            answer = await nats.RequestAsync<byte[], byte[]>(AgentSubjects.For(agent), body, replyOpts: new NatsSubOpts { Timeout = wait }, cancellationToken: token);
        }
        catch (NatsNoRespondersException)
        {
            throw new AgentUnavailableException($"no agent {agent} answered within {wait.TotalSeconds:0.#} s (none listens on {AgentSubjects.For(agent)})");
        }
        catch (NatsNoReplyException)
        {
            throw new AgentUnavailableException($"no agent {agent} answered within {wait.TotalSeconds:0.#} s");
        }
        if (answer.Data is not { Length: > 0 } data)
            throw new AgentUnavailableException($"no agent {agent} answered within {wait.TotalSeconds:0.#} s (an empty reply came back)");
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(data, AgentJsonContext.Default.AgentReply)
                ?? throw new AgentUnavailableException($"agent {agent} sent an empty reply");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new AgentUnavailableException($"agent {agent} sent a reply that is not an agent reply: {e.Message}");
        }
    }
}

public sealed class AgentUnavailableException(string message) : Exception(message);
