using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.Odoo;
using OdooSimulator.Http;

namespace OdooSimulator.Routing;

/// <summary>Odoo 17's HTTP surface as the simulator answers it on the worker port (16/18/19 routes where they differ).</summary>
internal sealed class OdooApp
{
    private const int Uid = 2;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly OdooResults _results = new();
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);
    private readonly SimRoute[] _routes;

    public OdooApp(SimulatorOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _routes =
        [
            SimRoute.Any(OdooWire.HealthPath, r => Simple(r, () => Responses.PlainJson("{\"status\": \"pass\"}", "no-store"))),
            SimRoute.Post("/__sim/echo", r => new Exchange { Operation = SimOperations.Other, SkipLatency = true, Respond = () => Echo(r) }),

            // Needs the evented (gevent) server: a prefork worker raises, and Werkzeug answers 500.
            SimRoute.Any(["/websocket", "/longpolling/poll", "/longpolling/im_status"], r => Simple(r, Responses.InternalServerError)),

            SimRoute.Post("/web/dataset/call_kw*", r => JsonRpc(r, rpc => Call(rpc, UrlTarget(r.Path, "/web/dataset/call_kw/")), (_, call) => _results.CallKw(call!))),
            SimRoute.Post("/web/dataset/call_button*", r => JsonRpc(r, rpc => Call(rpc, UrlTarget(r.Path, "/web/dataset/call_button/")), (_, call) => _results.CallButton(call!), viaButton: true)),
            SimRoute.Post("/web/action/run", r => JsonRpc(r, _ => RpcCall.Object("ir.actions.server", "run", null, null), (_, _) => false, viaButton: true)),
            SimRoute.Post("/web/action/load", r => JsonRpc(r, _ => RpcCall.Object("ir.actions.actions", "load", null, null), (rpc, _) => ActionLoad(rpc))),
            SimRoute.Post("/web/session/authenticate", Authenticate),
            SimRoute.Post("/web/webclient/version_info", r => JsonRpc(r, _ => null, (_, _) => VersionInfo())),
            SimRoute.Post("/web/session/get_session_info", r => JsonRpc(r, _ => null, (_, _) => SessionInfo())),
            SimRoute.Post("/jsonrpc", JsonRpcService),
            SimRoute.Post("/xmlrpc/*", XmlRpcService),
            SimRoute.Post("/json/2/*", Json2),

            SimRoute.Any(["/web/assets/*", "*/static/*"], r => Simple(r, () => StaticFile(r))),
            SimRoute.Any(["/web/image*", "/web/binary/*", "/web/content*"], r => Simple(r, () => Image(r))),
            SimRoute.Any("/report/*", r => Simple(r, () => Report(r))),
            SimRoute.Any("/queue_job/runjob", QueueJob),
            SimRoute.Any("/web/webclient/load_menus*", r => Simple(r, () => Responses.PlainJson(
                "{\"root\": {\"id\": \"root\", \"name\": \"root\", \"children\": [], \"appID\": false, \"xmlid\": \"\", \"actionID\": false, \"actionModel\": false, \"webIcon\": null, \"webIconData\": null, \"webIconDataMimetype\": null}}",
                "public, max-age=31536000"))),
            SimRoute.Any("/web/webclient/translations*", r => Simple(r, () => Responses.PlainJson(
                "{\"lang\": \"en_US\", \"lang_parameters\": {\"name\": \"English (US)\", \"direction\": \"ltr\", \"date_format\": \"%m/%d/%Y\", \"time_format\": \"%H:%M:%S\", \"grouping\": \"[3,0]\", \"decimal_point\": \".\", \"thousands_sep\": \",\", \"week_start\": 7, \"code\": \"en_US\"}, \"modules\": {}, \"multi_lang\": false}",
                "public, max-age=31536000"))),

            SimRoute.Post("/web/login", LoginPost),
            SimRoute.Any("/web/login", r => Simple(r, () => LoginPage(r, error: false))),
            SimRoute.Any("/web/session/logout", r => Simple(r, () => Responses.Redirect("/web", [$"cids=; Expires={Now.AddYears(1).UtcDateTime.ToString("r", CultureInfo.InvariantCulture)}; Max-Age=0; Path=/", Responses.SessionCookie(NewSessionId(), Now)]))),
            SimRoute.Any(["/shop", "/shop/*", "/payment/*"], Shop),
            SimRoute.Any("/", r => Page(r, () => Responses.Redirect("/web", AnonymousCookie(r)))),
            SimRoute.Any(["/web", "/odoo", "/odoo/*"], r => Page(r, () => WebClient(r))),
        ];
    }

    public Exchange Route(SimRequest request)
    {
        try
        {
            foreach (var route in _routes)
            {
                if (route.Matches(request))
                {
                    return route.Handle(request);
                }
            }

            return Simple(request, () => NotFound(request));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            // A body Odoo would choke on: Werkzeug's 500, never a dead worker.
            return Simple(request, Responses.InternalServerError);
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private static Exchange Simple(SimRequest request, Func<SimResponse> respond) =>
        new() { Operation = OperationClassifier.Classify(request), Respond = respond };

    /// <summary>A page route: an expired session sends the browser to the login page (capture 150).</summary>
    private static Exchange Page(SimRequest request, Func<SimResponse> respond) => new()
    {
        Operation = OperationClassifier.Classify(request),
        Respond = respond,
        SessionExpired = () => Responses.Redirect("/web/login?redirect=" + Uri.EscapeDataString(request.Path + "?")),
    };

    private static Exchange JsonRpc(SimRequest request, Func<JsonObject, RpcCall?> target, Func<JsonObject, RpcCall?, JsonNode?> result, bool viaButton = false)
    {
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(request.Body.Span) as JsonObject ?? throw new JsonException("Not an object.");
        }
        catch (JsonException)
        {
            var badRequest = Responses.JsonRpcError(OdooErrors.JsonRpcError(null, OdooErrors.BadRequestData()));
            return new Exchange { Operation = SimOperations.Other, Respond = () => badRequest };
        }

        var id = envelope["id"];
        var rpc = envelope["params"] as JsonObject ?? [];
        var call = target(rpc);
        return new Exchange
        {
            Operation = OperationClassifier.Classify(request),
            Respond = () =>
            {
                try
                {
                    return Responses.JsonRpcResult(id, result(rpc, call));
                }
                catch (UnauthorizedAccessException)
                {
                    return Responses.JsonRpcError(OdooErrors.JsonRpcError(id, OdooErrors.AccessDeniedData()));
                }
            },
            BusinessError = () => Responses.JsonRpcError(OdooErrors.JsonRpcError(id, OdooErrors.UserErrorData(call, viaButton))),
            SessionExpired = () => Responses.JsonRpcError(OdooErrors.SessionExpired()),
        };
    }

    private static (string Model, string Method)? UrlTarget(string path, string prefix)
    {
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = path[prefix.Length..].Split('/');
        return parts.Length >= 2 ? (parts[0], parts[1]) : null;
    }

    private static RpcCall Call(JsonObject rpc, (string Model, string Method)? url) => RpcCall.Object(
        Str(rpc["model"]) ?? url?.Model ?? string.Empty,
        Str(rpc["method"]) ?? url?.Method ?? string.Empty,
        rpc["args"] as JsonArray,
        rpc["kwargs"] as JsonObject);

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode ActionLoad(JsonObject rpc)
    {
        var action = Captures.Json("action-load.json")["result"]!.DeepClone();
        if (rpc["action_id"] is JsonValue actionId && actionId.GetValueKind() == JsonValueKind.Number)
        {
            action["id"] = actionId.DeepClone();
        }

        return action;
    }

    private JsonObject SessionInfo()
    {
        var info = Captures.SessionInfo();
        info["db"] = _options.Database;
        return info;
    }

    private bool CredentialsOk(string? db, string? login, string? password) =>
        (db is null || db == _options.Database) && login == _options.Login && password == _options.Password;

    private Exchange Authenticate(SimRequest request)
    {
        var exchange = JsonRpc(request, _ => null, (_, _) => null);
        JsonObject? envelope = null;
        try
        {
            envelope = JsonNode.Parse(request.Body.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return exchange;
        }

        if (envelope is null)
        {
            return exchange;
        }

        var id = envelope["id"];
        var rpc = envelope["params"] as JsonObject ?? [];
        var accessDenied = () => Responses.JsonRpcError(OdooErrors.JsonRpcError(id, OdooErrors.AccessDeniedData()));
        return new Exchange
        {
            Operation = exchange.Operation,
            Respond = () =>
            {
                if (!CredentialsOk(Str(rpc["db"]), Str(rpc["login"]), Str(rpc["password"])))
                {
                    return accessDenied();
                }

                var sessionId = NewSessionId();
                _sessions[sessionId] = 0;
                return Responses.JsonRpcResult(id, SessionInfo(), [new("Set-Cookie", Responses.SessionCookie(sessionId, Now))]);
            },
            BusinessError = accessDenied,
            SessionExpired = exchange.SessionExpired,
        };
    }

    private Exchange JsonRpcService(SimRequest request)
    {
        RpcCall? Target(JsonObject rpc)
        {
            var service = Str(rpc["service"]) ?? string.Empty;
            var method = Str(rpc["method"]) ?? string.Empty;
            var args = rpc["args"] as JsonArray ?? [];
            return ServiceCall(service, method, args);
        }

        var exchange = JsonRpc(request, Target, (rpc, call) => ServiceResult(call!, rpc["args"] as JsonArray ?? []));
        return exchange;
    }

    /// <summary>The model call inside <c>execute_kw</c> (args: db, uid, password, model, method, args, kwargs), or the service call itself.</summary>
    private static RpcCall ServiceCall(string service, string method, JsonArray args)
    {
        if (service == "object" && method is "execute_kw" or "execute" && args.Count >= 5)
        {
            var modelArgs = method == "execute_kw" ? args.Count > 5 ? args[5] as JsonArray : null : new JsonArray([.. args.Skip(5).Select(a => a?.DeepClone())]);
            var kwargs = method == "execute_kw" && args.Count > 6 ? args[6] as JsonObject : null;
            return new RpcCall("object", Str(args[3]) ?? string.Empty, Str(args[4]) ?? string.Empty, (JsonArray?)modelArgs?.DeepClone() ?? [], (JsonObject?)kwargs?.DeepClone() ?? []);
        }

        return new RpcCall(service, string.Empty, method, args, []);
    }

    // common.version and /web/webclient/version_info answer the same dict (both call exp_version).
    private static JsonObject VersionInfo() => new()
    {
        ["server_version"] = "17.0",
        ["server_version_info"] = new JsonArray(17, 0, 0, "final", 0, string.Empty),
        ["server_serie"] = "17.0",
        ["protocol_version"] = 1,
    };

    /// <summary>Result of a /jsonrpc or XML-RPC service call; throws <see cref="UnauthorizedAccessException"/> for bad credentials.</summary>
    private JsonNode? ServiceResult(RpcCall call, JsonArray args)
    {
        switch (call.Service, call.Method)
        {
            case ("common", "version"):
                return VersionInfo();
            case ("common", "login" or "authenticate"):
                return CredentialsOk(Str(args.ElementAtOrDefault(0)), Str(args.ElementAtOrDefault(1)), Str(args.ElementAtOrDefault(2))) ? Uid : false;
            case ("common", "about"):
                return "See http://openerp.com";
            case ("db", "list"):
                return new JsonArray(_options.Database);
            case ("db", "server_version"):
                return "17.0";
            case ("object", _):
                if (!CredentialsOk(Str(args.ElementAtOrDefault(0)), _options.Login, Str(args.ElementAtOrDefault(2))))
                {
                    throw new UnauthorizedAccessException();
                }

                return _results.CallKw(call);
            default:
                throw new InvalidOperationException($"Unknown service method {call.Service}.{call.Method}.");
        }
    }

    private Exchange XmlRpcService(SimRequest request)
    {
        // /xmlrpc/2/<service> answers integer fault codes; the legacy /xmlrpc/<service> answers string ones.
        var path = request.Path;
        var v2 = path.StartsWith("/xmlrpc/2/", StringComparison.Ordinal);
        var service = path[(v2 ? "/xmlrpc/2/" : "/xmlrpc/").Length..].TrimEnd('/');
        string method;
        JsonArray args;
        try
        {
            (method, args) = XmlRpc.ParseCall(request.Body);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return new Exchange { Operation = SimOperations.Other, Respond = () => XmlFault(v2, "application", ex.GetType().FullName + ": " + ex.Message) };
        }

        var call = ServiceCall(service, method, args);
        return new Exchange
        {
            Operation = OperationClassifier.Classify(request),
            Respond = () =>
            {
                try
                {
                    return XmlResponse(XmlRpc.Response(ServiceResult(call, args)));
                }
                catch (UnauthorizedAccessException)
                {
                    return XmlFault(v2, "access_denied", "Access Denied");
                }
                catch (InvalidOperationException ex)
                {
                    return XmlFault(v2, "application", ex.Message);
                }
            },
            BusinessError = () => XmlFault(v2, "user_error", OdooErrors.UserErrorData(call, viaButton: false)["message"]!.GetValue<string>()),
            SessionExpired = () => XmlFault(v2, "access_denied", "Access Denied"),
        };
    }

    private static SimResponse XmlResponse(string xml)
    {
        var body = Encoding.UTF8.GetBytes(xml);
        return new SimResponse(200,
        [
            new("Content-Type", "text/xml; charset=utf-8"),
            new("Content-Length", Responses.Length(body.Length)),
            new("X-Content-Type-Options", "nosniff"),
        ], body);
    }

    /// <summary>Odoo's xmlrpc_handle_exception_int (v2: codes 1 application, 2 warning, 3 access denied) and _string (legacy).</summary>
    private static SimResponse XmlFault(bool v2, string kind, string message)
    {
        if (v2)
        {
            var code = kind switch { "user_error" => 2, "access_denied" => 3, _ => 1 };
            return XmlResponse(XmlRpc.Fault(code, message));
        }

        var (faultCode, faultString) = kind switch
        {
            "user_error" => ("warning -- UserError\n\n" + message, string.Empty),
            "access_denied" => ("AccessDenied", message),
            _ => (message, "Traceback (most recent call last):\n" + message + "\n"),
        };
        return XmlResponse(XmlRpc.Fault(faultCode, faultString));
    }

    private Exchange Json2(SimRequest request)
    {
        // Odoo 19: /json/2/<model>/<method>, bearer API key, named arguments, real HTTP status codes.
        var target = UrlTarget(request.Path, "/json/2/");
        var auth = request.Header("Authorization");
        JsonObject body;
        try
        {
            body = request.BodyLength == 0 ? [] : JsonNode.Parse(request.Body.Span) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return new Exchange { Operation = SimOperations.Other, Respond = () => Json2Error(400, "werkzeug.exceptions.BadRequest", "400 Bad Request: Invalid JSON data") };
        }

        var ids = body["ids"]?.DeepClone();
        var kwargs = new JsonObject();
        foreach (var (key, value) in body)
        {
            if (key != "ids")
            {
                kwargs[key] = value?.DeepClone();
            }
        }

        var call = RpcCall.Object(target?.Model ?? string.Empty, target?.Method ?? string.Empty, ids is null ? [] : new JsonArray(ids), kwargs);
        return new Exchange
        {
            Operation = OperationClassifier.Classify(request),
            Respond = () =>
            {
                if (target is null)
                {
                    return Json2Error(404, "werkzeug.exceptions.NotFound", "404 Not Found: The requested URL was not found on the server.");
                }

                if (auth is null || !auth.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    return Json2Error(401, "werkzeug.exceptions.Unauthorized", "401 Unauthorized: Invalid apikey");
                }

                return Responses.Json(_results.CallKw(call));
            },
            BusinessError = () => Json2Error(422, OdooErrors.UserError, OdooErrors.UserErrorData(call, viaButton: false)["message"]!.GetValue<string>()),
            SessionExpired = () => Json2Error(401, "werkzeug.exceptions.Unauthorized", "401 Unauthorized: Invalid apikey"),
        };
    }

    private static SimResponse Json2Error(int status, string name, string message)
    {
        var data = OdooErrors.UserErrorData(null, viaButton: false);
        var debug = data["debug"]!.GetValue<string>();
        var error = new JsonObject
        {
            ["name"] = name,
            ["message"] = message,
            ["arguments"] = new JsonArray(message, status),
            ["context"] = new JsonObject(),
            ["debug"] = debug[..(debug.TrimEnd('\n').LastIndexOf('\n') + 1)] + name + ": " + message + "\n",
        };
        return Responses.Json(error, noSniff: false, status: status);
    }

    private static Exchange QueueJob(SimRequest request) => new()
    {
        Operation = OperationClassifier.Classify(request),
        Respond = () => Responses.Html(200, string.Empty),
        // OCA queue_job: a UserError in the job answers 400, any other exception 500.
        BusinessError = () => Responses.Html(400, "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that this server could not understand.</p>\n"),
    };

    private Exchange LoginPost(SimRequest request)
    {
        var form = ParseForm(request.Body.Span);
        return new Exchange
        {
            Operation = OperationClassifier.Classify(request),
            Respond = () =>
            {
                if (!CredentialsOk(null, form.GetValueOrDefault("login"), form.GetValueOrDefault("password")))
                {
                    return LoginPage(request, error: true);
                }

                // Login rotates the session id (captures 1 and 11).
                var sessionId = NewSessionId();
                _sessions[sessionId] = 0;
                var redirect = form.GetValueOrDefault("redirect");
                return Responses.Redirect(string.IsNullOrEmpty(redirect) || !redirect.StartsWith('/') ? "/web" : redirect, [Responses.SessionCookie(sessionId, Now)]);
            },
            BusinessError = () => LoginPage(request, error: true),
        };
    }

    private SimResponse LoginPage(SimRequest request, bool error)
    {
        var html = Captures.Text("login.html").Replace("{{csrf_token}}", CsrfToken(), StringComparison.Ordinal);
        if (error)
        {
            html = html.Replace("<div class=\"clearfix oe_login_buttons", "<p class=\"alert alert-danger\" role=\"alert\">\n                    Wrong login/password\n                </p>\n                <div class=\"clearfix oe_login_buttons", StringComparison.Ordinal);
        }

        return Responses.Html(200, html,
            before: [new("X-Frame-Options", "SAMEORIGIN"), new("Content-Security-Policy", "frame-ancestors 'self'")],
            after: AnonymousCookie(request).Select(c => new KeyValuePair<string, string>("Set-Cookie", c)));
    }

    private SimResponse WebClient(SimRequest request)
    {
        var sessionId = request.Cookie("session_id");
        if (sessionId is null || !_sessions.ContainsKey(sessionId))
        {
            return Responses.Redirect("/web/login", AnonymousCookie(request));
        }

        var html = Captures.Text("webclient.html").Replace("{{csrf_token}}", CsrfToken(), StringComparison.Ordinal)
            .Replace("\"db\": \"odoo_e2e\"", "\"db\": " + PythonJson.Serialize(_options.Database), StringComparison.Ordinal);
        return Responses.Html(200, html, before: [new("X-Frame-Options", "DENY"), new("Set-Cookie", Responses.SessionCookie(sessionId, Now))]);
    }

    /// <summary>
    /// Website shop and payment callbacks, enough for webshop load: pages answer a small HTML page (an anonymous visitor gets a
    /// session cookie), <c>/shop/cart/update_json</c> a JSON-RPC cart summary, provider webhooks an empty JSON body.
    /// </summary>
    private Exchange Shop(SimRequest request)
    {
        if (request.Method == "POST" && request.Path == "/shop/cart/update_json")
        {
            return JsonRpc(request, _ => null, (_, _) => new JsonObject { ["cart_quantity"] = 1, ["quantity"] = 1, ["warning"] = "" });
        }

        if (request.Path.StartsWith("/payment/", StringComparison.Ordinal))
        {
            return Simple(request, () => Responses.PlainJson("\"\"", "no-store"));
        }

        return Simple(request, () => Responses.Html(200,
            "<!DOCTYPE html>\n<html lang=\"en-US\"><head><meta charset=\"utf-8\"/><title>Shop | My Company</title></head><body><main id=\"wrap\" class=\"oe_structure\">Simulated shop page</main></body></html>\n",
            after: AnonymousCookie(request).Select(c => new KeyValuePair<string, string>("Set-Cookie", c))));
    }

    private SimResponse NotFound(SimRequest request)
    {
        var html = Captures.Text("not-found.html").Replace("{{csrf_token}}", CsrfToken(), StringComparison.Ordinal);
        var cookies = request.Cookie("session_id") is null
            ? new[] { $"frontend_lang=en_US; Expires={Now.AddYears(1).UtcDateTime.ToString("r", CultureInfo.InvariantCulture)}; Path=/" }.Concat(AnonymousCookie(request))
            : [];
        return Responses.Html(404, html, contentType: "text/html;charset=utf-8", after: cookies.Select(c => new KeyValuePair<string, string>("Set-Cookie", c)));
    }

    /// <summary>The first request without a session already gets an anonymous session_id (capture 1).</summary>
    private string[] AnonymousCookie(SimRequest request) =>
        request.Cookie("session_id") is null ? [Responses.SessionCookie(NewSessionId(), Now)] : [];

    private SimResponse StaticFile(SimRequest request)
    {
        var path = request.Path;
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        if (path.Contains("does-not-exist", StringComparison.Ordinal))
        {
            return NotFound(request);
        }

        var asset = path.StartsWith("/web/assets/", StringComparison.Ordinal);
        var body = fileName == "logo.png" ? Captures.Bytes("logo.png") : SyntheticFile(path, fileName, asset);
        var lastModified = new DateTimeOffset(2024, 5, 16, 3, 27, 5, TimeSpan.Zero);
        var etag = asset
            ? $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..40]}\""
            : string.Create(CultureInfo.InvariantCulture, $"\"{lastModified.ToUnixTimeSeconds()}-{body.Length}-{Adler32(path)}\"");
        var maxAge = asset ? TimeSpan.FromDays(365) : TimeSpan.FromDays(7);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-Disposition", "inline; filename=" + fileName),
            new("Content-Type", ContentType(fileName)),
            new("Content-Length", Responses.Length(body.Length)),
            new("Last-Modified", lastModified.UtcDateTime.ToString("r", CultureInfo.InvariantCulture)),
            new("Cache-Control", asset ? "public, max-age=31536000, immutable" : "public, max-age=604800"),
            new("Expires", Now.Add(maxAge).UtcDateTime.ToString("r", CultureInfo.InvariantCulture)),
            new("ETag", etag),
            new("X-Content-Type-Options", "nosniff"),
        };
        if (!asset)
        {
            headers.Add(new("Content-Security-Policy", "default-src 'none'"));
        }

        return Conditional(request, headers, body, etag);
    }

    private static SimResponse Image(SimRequest request)
    {
        var path = request.Path;
        var avatar = path.Contains("avatar", StringComparison.Ordinal) || (request.QueryValue("field") ?? string.Empty).Contains("avatar", StringComparison.Ordinal);
        var (body, fileName, contentType) = path.StartsWith("/web/binary/company_logo", StringComparison.Ordinal)
            ? (Captures.Bytes("logo.png"), "logo.png", "image/png")
            : avatar
                ? (Captures.Bytes("avatar.svg"), "Administrator.svg", "image/svg+xml; charset=utf-8")
                : (Captures.Bytes("placeholder.png"), "placeholder.png", "image/png");
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..40]}-128x128-crop=False-quality=0\"";
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-Disposition", "inline; filename=" + fileName),
            new("Content-Type", contentType),
            new("Content-Length", Responses.Length(body.Length)),
            new("Last-Modified", "Thu, 16 May 2024 03:27:05 GMT"),
            new("Cache-Control", "no-cache"),
            new("ETag", etag),
            new("Content-Security-Policy", "default-src 'none'"),
            new("X-Content-Type-Options", "nosniff"),
        };
        return Conditional(request, headers, body, etag);
    }

    /// <summary>304 without Content-Type or Content-Length when the ETag matches (capture 182); Werkzeug's doubled Date either way.</summary>
    private static SimResponse Conditional(SimRequest request, List<KeyValuePair<string, string>> headers, byte[] body, string etag)
    {
        var ifNoneMatch = request.Header("If-None-Match");
        if (ifNoneMatch is not null && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Split(',').Any(t => t.Trim().TrimStart('W', '/') == etag)))
        {
            headers.RemoveAll(h => h.Key is "Content-Type" or "Content-Length" or "Last-Modified");
            return new SimResponse(304, headers, ReadOnlyMemory<byte>.Empty) { DuplicateDate = true };
        }

        return new SimResponse(200, headers, body) { DuplicateDate = true };
    }

    private static SimResponse Report(SimRequest request)
    {
        if (request.Path.StartsWith("/report/html/", StringComparison.Ordinal))
        {
            return Responses.Html(200, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>Report</title></head><body><div class=\"page\">Simulated report</div></body></html>\n");
        }

        var pdf = Encoding.ASCII.GetBytes(
            "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
            "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
        return new SimResponse(200,
        [
            new("Content-Type", "application/pdf"),
            new("Content-Length", Responses.Length(pdf.Length)),
            new("X-Content-Type-Options", "nosniff"),
        ], pdf);
    }

    private static SimResponse Echo(SimRequest request)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (name, value) in request.Headers)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return new SimResponse(200,
        [
            new("Content-Type", request.Header("Content-Type") ?? "application/octet-stream"),
            new("Content-Length", Responses.Length(request.Body.Length)),
            new("X-Sim-Request-Headers", Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)),
        ], request.Body);
    }

    private static byte[] SyntheticFile(string path, string fileName, bool asset)
    {
        // Deterministic size per path: asset bundles are large (the captures: 0.2-4 MB), single files small.
        var seed = Adler32(path);
        var size = asset ? 64 * 1024 + (int)(seed % (256 * 1024)) : 1024 + (int)(seed % (32 * 1024));
        var line = fileName.EndsWith(".css", StringComparison.Ordinal)
            ? "/* simulated */ .o_sim { display: block; }\n"
            : fileName.EndsWith(".js", StringComparison.Ordinal) ? "/* simulated */ odoo.define('sim', [], function () {});\n" : "simulated static content\n";
        var lineBytes = Encoding.ASCII.GetBytes(line);
        var body = new byte[size];
        for (var i = 0; i < size; i++)
        {
            body[i] = lineBytes[i % lineBytes.Length];
        }

        return body;
    }

    private static string ContentType(string fileName) => Path.GetExtension(fileName).ToUpperInvariant() switch
    {
        ".CSS" => "text/css; charset=utf-8",
        ".JS" => "application/javascript; charset=utf-8",
        ".PNG" => "image/png",
        ".SVG" => "image/svg+xml; charset=utf-8",
        ".ICO" => "image/vnd.microsoft.icon",
        ".WOFF2" => "font/woff2",
        ".WOFF" => "font/woff",
        ".JSON" => "application/json",
        ".HTML" or ".XML" => "text/xml; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static uint Adler32(string s)
    {
        uint a = 1, b = 0;
        foreach (var c in Encoding.UTF8.GetBytes(s))
        {
            a = (a + c) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }

    private static Dictionary<string, string> ParseForm(ReadOnlySpan<byte> body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            form[key] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }

        return form;
    }

    private static string NewSessionId() => RandomNumberGenerator.GetHexString(40, lowercase: true);

    private string CsrfToken() => RandomNumberGenerator.GetHexString(40, lowercase: true) + "o" + Now.AddYears(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
