using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Storage;
using Rostra.Tests.Web;
using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// Who may reach what, proved for every endpoint and page of the app's route table (so a new one cannot be
/// forgotten): another district's ids answer exactly as missing ones; students and teachers get 403 on every
/// admin surface; an anonymous caller gets 401 (API) or the login page (pages); only a short, named list is public.
/// </summary>
public sealed partial class RouteMatrixTests(WebAppFixture fixture, ITestOutputHelper output) : IClassFixture<WebAppFixture>
{
    /// <summary>The routes anyone may open. Adding one here is a decision: say why in the review.</summary>
    private static readonly HashSet<string> PublicRoutes = new(StringComparer.Ordinal)
    {
        "/healthz", "/assets/{name}", "/openapi/{documentName}.json", "/login", "/error", "/denied",
    };

    private WebApp Web => fixture.Web;

    [Fact]
    public void Every_route_is_known_to_the_matrix_and_only_the_public_ones_are_anonymous()
    {
        var routes = Routes();
        ProofReport.Write(output, "matrix", $"{routes.Count} routes in the route table, {routes.Count(route => route.Access == Access.Anonymous)} public.");
        foreach (var route in routes)
        {
            output.WriteLine($"  {string.Join('|', route.Methods)} {route.Template} ({route.Access})");
        }

        Assert.Contains(routes, route => route.Template == "/api/imports/{id}" && route.Access == Access.Admin);
        Assert.Contains(routes, route => route.Template == "/programs/{programId}/import" && route.Access == Access.Admin);
        var anonymous = routes.Where(route => route.Access == Access.Anonymous).Select(route => route.Template).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(PublicRoutes, anonymous);
        var unknown = routes.SelectMany(route => route.Parameters).Where(name => !ParameterValues.Known(name)).Distinct().ToList();
        Assert.True(unknown.Count == 0,
            $"Route parameters the matrix has no values for: {string.Join(", ", unknown)}. Add them to {nameof(ParameterValues)} " +
            "(this district's value, another district's value, and a missing one).");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_from_the_api_and_the_login_page_from_pages()
    {
        var world = await WorldAsync();
        using var client = Web.Client();
        var checkedCount = 0;
        foreach (var route in Routes().Where(route => route.Access != Access.Anonymous))
        {
            foreach (var method in route.Methods)
            {
                using var response = await client.SendAsync(route.Request(method, world.Own));
                var what = $"{method} {route.Template}";
                if (route.IsApi)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}, not 401.");
                    Assert.Equal("auth.required", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{what}: {(int)response.StatusCode}, not a redirect to the login page.");
                    Assert.StartsWith("/login?returnUrl=", PathOf(response.Headers.Location), StringComparison.Ordinal);
                }
                checkedCount++;
            }
        }
        ProofReport.Write(output, "matrix", $"{checkedCount} anonymous requests refused (401 or the login page).");
        Assert.True(checkedCount > 10);
    }

    [Theory]
    [InlineData(Roles.Student)]
    [InlineData(Roles.Teacher)]
    public async Task Students_and_teachers_get_403_on_every_admin_surface(string role)
    {
        var world = await WorldAsync();
        var username = role == Roles.Student ? world.Student : world.District.Teacher;
        using var session = await Web.SignInAsync(username);
        using var bearer = role == Roles.Teacher ? Web.Client(world.District.TeacherToken) : null;
        var checkedCount = 0;
        foreach (var route in Routes().Where(route => route.Access != Access.Anonymous))
        {
            foreach (var method in route.Methods)
            {
                var what = $"{role} {method} {route.Template}";
                using var response = await session.SendAsync(route.Request(method, world.Own));
                if (route.Access == Access.Admin && route.IsApi)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}, not 403.");
                    if (bearer is not null)
                    {
                        using var byToken = await bearer.SendAsync(route.Request(method, world.Own));
                        Assert.True(byToken.StatusCode == HttpStatusCode.Forbidden, $"{what} (token): {(int)byToken.StatusCode}, not 403.");
                    }
                }
                else if (route.Access == Access.Admin)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{what}: {(int)response.StatusCode}, not sent to /denied.");
                    Assert.StartsWith("/denied", PathOf(response.Headers.Location), StringComparison.Ordinal);
                    using var denied = await session.GetAsync(response.Headers.Location);
                    Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
                }
                else
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                        $"{what}: {(int)response.StatusCode} on a page for every signed-in user.");
                }
                checkedCount++;
            }
        }
        ProofReport.Write(output, "matrix", $"{checkedCount} requests as a {role}: 403 on every admin surface.");
        Assert.True(checkedCount > 10);
    }

    [Fact]
    public async Task Another_districts_ids_answer_exactly_as_missing_ones_on_every_route()
    {
        var world = await WorldAsync();
        using var api = Web.Client(world.District.AdminToken);
        using var pages = await Web.SignInAsync(world.District.Admin);
        var compared = 0;
        foreach (var route in Routes().Where(route => route.Access != Access.Anonymous))
        {
            var client = route.IsApi ? api : pages;
            foreach (var parameter in route.Parameters.Where(ParameterValues.IsDistrictScoped))
            {
                foreach (var method in route.Methods)
                {
                    var what = $"{method} {route.Template} with another district's {parameter}";
                    var theirs = world.Own with { Values = world.Own.Values.SetItem(parameter, world.Other.Values[parameter]) };
                    var missing = world.Own with { Values = world.Own.Values.SetItem(parameter, world.Missing.Values[parameter]) };
                    using var own = await client.SendAsync(route.Request(method, world.Own));
                    using var their = await client.SendAsync(route.Request(method, theirs));
                    using var none = await client.SendAsync(route.Request(method, missing));
                    var ownAnswer = await AnswerAsync(own, world.Own.Values[parameter]);
                    var theirAnswer = await AnswerAsync(their, world.Other.Values[parameter]);
                    var noneAnswer = await AnswerAsync(none, world.Missing.Values[parameter]);

                    Assert.True(theirAnswer == noneAnswer, $"{what}:\n{theirAnswer}\n--- differs from a missing one ---\n{noneAnswer}");
                    Assert.True(ownAnswer != noneAnswer, $"{what}: this district's own {parameter} answers as a missing one, so the matrix proves nothing:\n{ownAnswer}");
                    Assert.True((int)their.StatusCode >= 400, $"{what}: {(int)their.StatusCode}.");
                    compared++;
                }
            }
        }
        ProofReport.Write(output, "matrix", $"{compared} route × parameter × method cases: another district's id answered exactly as a missing one.");
        Assert.True(compared >= 10);

        // Nothing of the other district changed: its import is as it was, and no user was added to it.
        using var theirClient = Web.Client(world.OtherDistrict.AdminToken);
        var import = await theirClient.GetFromJsonAsync<JsonElement>($"/api/imports/{world.Other.Values["id"]}");
        Assert.Equal("invalid", import.GetProperty("status").GetString());
        var users = await theirClient.GetFromJsonAsync<JsonElement>("/api/users");
        Assert.Equal(2, users.GetProperty("total").GetInt32());
    }

    /// <summary>Two districts, each with an import that has errors, a student, and a second program in the other district.</summary>
    private async Task<World> WorldAsync()
    {
        var mine = await Web.CreateDistrictAsync();
        var theirs = await Web.CreateDistrictAsync();
        var hasher = new PasswordHasher(PasswordHashOptions.Fast);
        var student = $"student.{mine.Suffix}";
        await Web.Store.AddUserAsync(new NewUser(mine.Id, student, "Sam", "Student", null, [Roles.Student], Grade.Parse("3"), [mine.ElementarySchool], [mine.ProgramId], new Secret.Hash(hasher.Hash(WebApp.Password))), default);
        using var myClient = Web.Client(mine.AdminToken);
        using var theirClient = Web.Client(theirs.AdminToken);
        var bad = "\r\nx,y,bad name,p,Z,NOPE,\r\n";
        var myImport = await WebApp.UploadAndWaitAsync(myClient, "student", TestDistrict.StudentHeader + bad);
        var theirImport = await WebApp.UploadAndWaitAsync(theirClient, "student", TestDistrict.StudentHeader + bad);
        Assert.Equal("invalid", theirImport.GetProperty("status").GetString());
        // A program only the other district has (both have "reading").
        await Web.Store.AddProgramAsync(new DistrictProgram(theirs.Id, $"math-{theirs.Suffix}", "Math"), default);
        // An API token of each admin besides the one the clients use (revoking it must not sign a client out).
        var myToken = await Web.Store.AddTokenAsync((await Web.Store.FindUserAsync(mine.Admin, default))!.Id, ApiTokens.Create().Hash, "matrix", default);
        var theirToken = await Web.Store.AddTokenAsync((await Web.Store.FindUserAsync(theirs.Admin, default))!.Id, ApiTokens.Create().Hash, "matrix", default);
        return new World(
            mine,
            theirs,
            student,
            ParameterValues.For(mine.ProgramId, mine.ElementarySchool, myImport.GetProperty("id").GetGuid(), myToken),
            ParameterValues.For($"math-{theirs.Suffix}", theirs.ElementarySchool, theirImport.GetProperty("id").GetGuid(), theirToken),
            ParameterValues.For($"nope-{mine.Suffix}", $"N{mine.Suffix}", Guid.NewGuid(), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]));
    }

    /// <summary>Every route of the app, read from its endpoint data source.</summary>
    private List<Route> Routes()
    {
        var source = Web.App.Services.GetRequiredService<EndpointDataSource>();
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var template = Template(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Where(method => method != HttpMethods.Head).ToArray() ?? [];
            if (methods.Length == 0)
            {
                methods = [HttpMethods.Get];
            }
            var access = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Access.Anonymous
                : endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>() is { Count: > 0 } authorize
                    ? authorize.Any(data => data.Policy == "district-admin" || (data.Roles ?? "").Contains(Roles.DistrictAdmin, StringComparison.Ordinal)) ? Access.Admin : Access.SignedIn
                    : Access.Anonymous;
            var parameters = endpoint.RoutePattern.Parameters.Select(parameter => parameter.Name).ToArray();
            var key = template;
            if (routes.TryGetValue(key, out var existing))
            {
                routes[key] = existing with { Methods = [.. existing.Methods.Union(methods, StringComparer.Ordinal)] };
            }
            else
            {
                var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
                routes[key] = new Route(template, methods, access, parameters, endpoint.RoutePattern, accepts);
            }
        }
        return [.. routes.Values.OrderBy(route => route.Template, StringComparer.Ordinal)];
    }

    private static string? PathOf(Uri? location) => location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    /// <summary>The route as written, without constraints: <c>/api/imports/{id}</c>.</summary>
    private static string Template(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
                    _ => "",
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>What the caller sees, with the asked-for value and per-response tokens taken out.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response, string value)
    {
        var body = await response.Content.ReadAsStringAsync();
        body = body.Replace(value, "{value}", StringComparison.OrdinalIgnoreCase);
        body = TokenValue().Replace(body, "value=\"{token}\"");
        var location = response.Headers.Location?.OriginalString.Replace(Uri.EscapeDataString(value), "{value}", StringComparison.OrdinalIgnoreCase)
            .Replace(value, "{value}", StringComparison.OrdinalIgnoreCase);
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {location}\n{body}";
    }

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex TokenValue();

    private enum Access
    {
        Anonymous,
        SignedIn,
        Admin,
    }

    private sealed record Route(string Template, string[] Methods, Access Access, string[] Parameters, RoutePattern Pattern, string? Accepts)
    {
        public bool IsApi => Template.StartsWith("/api/", StringComparison.Ordinal);

        /// <summary>A request to this route with <paramref name="values"/>, with a body of the kind the route accepts.</summary>
        public HttpRequestMessage Request(string method, ParameterValues values)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), Fill(values));
            if (method == HttpMethods.Get || method == HttpMethods.Delete)
            {
                return request;
            }
            request.Content = Accepts is { } type && type.StartsWith("multipart/", StringComparison.Ordinal)
                ? WebApp.ImportForm("student", TestDistrict.StudentHeader + "\r\n")
                : new StringContent("{}", Encoding.UTF8, "application/json");
            return request;
        }

        public string Fill(ParameterValues values)
        {
            var path = new StringBuilder();
            foreach (var segment in Pattern.PathSegments)
            {
                path.Append('/');
                foreach (var part in segment.Parts)
                {
                    path.Append(part switch
                    {
                        RoutePatternLiteralPart literal => literal.Content,
                        RoutePatternSeparatorPart separator => separator.Content,
                        RoutePatternParameterPart parameter => Uri.EscapeDataString(values.Values[parameter.Name]),
                        _ => "",
                    });
                }
            }
            return path.Length == 0 ? "/" : path.ToString();
        }
    }

    private sealed record World(TestDistrict District, TestDistrict OtherDistrict, string Student, ParameterValues Own, ParameterValues Other, ParameterValues Missing);

    /// <summary>A value for every route parameter of the app: this district's, another district's, or a missing one.</summary>
    private sealed record ParameterValues(ImmutableDictionary<string, string> Values)
    {
        /// <summary>Parameters that name something of one district.</summary>
        private static readonly string[] DistrictScoped = ["id", "programId", "schoolId", "tokenId"];

        /// <summary>Parameters that are the same for every district (a template's type, an asset, the OpenAPI document).</summary>
        private static readonly Dictionary<string, string> Shared = new(StringComparer.Ordinal)
        {
            ["type"] = "student",
            ["name"] = "site.css",
            ["documentName"] = "v1",
        };

        public static bool Known(string name) => DistrictScoped.Contains(name, StringComparer.Ordinal) || Shared.ContainsKey(name);

        public static bool IsDistrictScoped(string name) => DistrictScoped.Contains(name, StringComparer.Ordinal);

        public static ParameterValues For(string programId, string schoolId, Guid importId, string tokenId) =>
            new(Shared.ToImmutableDictionary(StringComparer.Ordinal)
                .SetItem("programId", programId)
                .SetItem("schoolId", schoolId)
                .SetItem("id", importId.ToString())
                .SetItem("tokenId", tokenId));
    }
}
