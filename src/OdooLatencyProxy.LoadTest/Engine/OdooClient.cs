using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.Odoo;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Sends rendered requests to Odoo (or the proxy), names them with the shared classifier, judges them with the shared outcome detector, and records them.</summary>
internal sealed class OdooClient : IDisposable
{
    /// <summary>Outcome of a request that got no HTTP response (refused, reset).</summary>
    public const string ConnectionError = "connection_error";

    /// <summary>Outcome of a request that Odoo answered well but whose answer lacked a value the step captures (the step stops there).</summary>
    public const string CaptureFailed = "capture_failed";

    /// <summary>Outcome of a request that got no complete answer within the request timeout.</summary>
    public const string Timeout = "timeout";

    private readonly HttpClient _http;
    private readonly RequestClassifier _classifier;
    private readonly ResultCollector _results;
    private readonly TimeSpan _requestTimeout;
    private long _rpcId;

    public OdooClient(Uri target, RequestClassifier classifier, ResultCollector results, TimeSpan requestTimeout)
    {
        _classifier = classifier;
        _results = results;
        _requestTimeout = requestTimeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // Sessions travel in an explicit Cookie header: one client serves many sessions at once.
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            BaseAddress = target,
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public long NextRpcId() => Interlocked.Increment(ref _rpcId);

    /// <summary>Logs in through <c>/web/session/authenticate</c> (recorded as a request like any other) and keeps the session cookie and uid.</summary>
    public async Task<Session> LoginAsync(LoginSpec login, CancellationToken cancellationToken)
    {
        var session = new Session(login);
        var body = OdooRequests.JsonRpcEnvelope(OdooRequests.AuthenticateParams(login.Database, login.User, login.Password), NextRpcId()).ToJsonString();
        var request = new CompiledRequest("POST", Template.Compile(OdooRequests.AuthenticatePath, TemplateContext.Url),
            Template.Compile(body, TemplateContext.Raw), "application/json", []);
        var result = await SendAsync(request, session, _ => default, Stopwatch.GetTimestamp(), cancellationToken, keepBody: true);
        if (result.Outcome != "ok" || result.Body is null)
        {
            throw new LoginException($"login as '{login.User}' on database '{login.Database}' failed: {result.Outcome} (HTTP {result.Status})");
        }

        try
        {
            using var document = JsonDocument.Parse(result.Body);
            if (document.RootElement.TryGetProperty("result", out var info) && info.TryGetProperty("uid", out var uid) && uid.TryGetInt64(out var id))
            {
                session.Uid = id;
            }
        }
        catch (JsonException)
        {
            // The cookie is what matters for the web client routes; a missing uid only affects XML-RPC steps.
        }

        if (session.Cookie is null || session.Uid is null)
        {
            throw new LoginException($"login as '{login.User}' on database '{login.Database}' got no session (wrong login, password or database?)");
        }

        return session;
    }

    /// <summary>Asks the server its version (<c>server_version_info[0]</c>, e.g. 17); null when the answer has none. Recorded like any request.</summary>
    public async Task<int?> ServerVersionAsync(CancellationToken cancellationToken)
    {
        var body = OdooRequests.JsonRpcEnvelope(new System.Text.Json.Nodes.JsonObject(), NextRpcId()).ToJsonString();
        var request = new CompiledRequest("POST", Template.Compile(OdooRequests.VersionInfoPath, TemplateContext.Url),
            Template.Compile(body, TemplateContext.Raw), "application/json", [])
        {
            Captures = [("version", CapturePath.Parse("result.server_version_info[0]"))],
        };
        int? version = null;
        await SendAsync(request, new Session(null), _ => default, Stopwatch.GetTimestamp(), cancellationToken,
            onCapture: (_, value) => version = int.TryParse(value.Text, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null);
        return version;
    }

    /// <summary>Sends one request; <paramref name="intendedTimestamp"/> is when it should have been sent (latency counts from there).
    /// The request's captures are read from a good answer and handed to <paramref name="onCapture"/>; a missing one makes the outcome <see cref="CaptureFailed"/>.</summary>
    public async Task<RequestResult> SendAsync(CompiledRequest request, Session session, Func<string, TemplateValue> values, long intendedTimestamp,
        CancellationToken cancellationToken, bool keepBody = false, Action<string, TemplateValue>? onCapture = null)
    {
        keepBody |= request.Captures.Count > 0;
        string? reason = null;
        var pathAndQuery = request.Path.Render(values);
        var body = request.Body is null ? null : Encoding.UTF8.GetBytes(request.Body.Render(values));
        var path = pathAndQuery.AsSpan();
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        var operation = _classifier.Classify(request.Method, path, body).Name;

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), pathAndQuery);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/octet-stream");
        }

        if (session.Cookie is { } cookie)
        {
            message.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value.Render(values));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        _results.OnSent();
        var sent = Stopwatch.GetTimestamp();
        var status = 0;
        string outcome;
        byte[]? kept = null;
        var recorded = false;
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                session.Update(setCookies);
            }

            var (prefix, complete, whole) = await ReadAsync(response, keepBody, timeout.Token);
            var end = Stopwatch.GetTimestamp();
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "";
            var encoding = string.Join(",", response.Content.Headers.ContentEncoding);
            outcome = ResponseOutcomeDetector.Detect(status, contentType, encoding, prefix, complete).OutcomeName;
            kept = whole;
            if (outcome == "ok" && request.Captures.Count > 0 && Capture(request, whole!, onCapture) is { } problem)
            {
                outcome = CaptureFailed;
                reason = $"{operation}: {problem}";
                var answer = Encoding.UTF8.GetString(whole!, 0, Math.Min(whole!.Length, 200));
                _results.OnProblem(reason, answer.Length < whole.Length ? answer + "..." : answer);
            }
            _results.Record(operation, outcome, intendedTimestamp, sent, end);
            recorded = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = Timeout;
            _results.Record(operation, outcome, intendedTimestamp, sent, Stopwatch.GetTimestamp());
            recorded = true;
        }
        catch (HttpRequestException)
        {
            outcome = ConnectionError;
            _results.Record(operation, outcome, intendedTimestamp, sent, Stopwatch.GetTimestamp());
            recorded = true;
        }
        catch (IOException)
        {
            outcome = ConnectionError;
            _results.Record(operation, outcome, intendedTimestamp, sent, Stopwatch.GetTimestamp());
            recorded = true;
        }
        finally
        {
            if (!recorded)
            {
                _results.OnAbandoned();
            }
        }

        return new RequestResult(operation, outcome, status, kept) { Reason = reason };
    }

    // Null when every capture was found, else why not (the first one missing).
    private static string? Capture(CompiledRequest request, byte[] body, Action<string, TemplateValue>? onCapture)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return $"capture '{request.Captures[0].Name}': the answer is not JSON";
        }

        using (document)
        {
            foreach (var (name, path) in request.Captures)
            {
                if (!path.TryRead(document.RootElement, out var value, out var error))
                {
                    return $"capture '{name}' ({path}): {error}";
                }

                onCapture?.Invoke(name, value);
            }
        }

        return null;
    }

    // Reads the whole body (latency ends with its last byte, as the proxy measures) keeping the prefix the outcome detector needs.
    private static async Task<(byte[] Prefix, bool Complete, byte[]? Whole)> ReadAsync(HttpResponseMessage response, bool keepBody, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var prefix = new MemoryStream();
        var whole = keepBody ? new MemoryStream() : null;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (prefix.Length < ResponseOutcomeDetector.DefaultPrefixBytes)
                {
                    prefix.Write(buffer, 0, (int)Math.Min(read, ResponseOutcomeDetector.DefaultPrefixBytes - prefix.Length));
                }

                whole?.Write(buffer, 0, read);
            }

            var bytes = prefix.ToArray();
            return (bytes, bytes.Length < ResponseOutcomeDetector.DefaultPrefixBytes, whole?.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _http.Dispose();
}
