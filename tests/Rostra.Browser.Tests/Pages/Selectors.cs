namespace Rostra.Browser.Tests.Pages;

/// <summary>Every selector the browser tests use, in one place: change the page, change it here.</summary>
internal static class Selectors
{
    // Login
    public const string Username = "#Username";
    public const string Password = "#Password";
    public const string SignIn = "form button[type=submit]";
    public const string LoginProblem = "#login-problem";

    // Layout
    public const string AdminMenu = "details[data-menu] > summary";
    public const string AdminMenuList = "details[data-menu] .menu-list";
    public const string SignOut = ".topbar-account button[type=submit]";
    public const string PageTitle = "main h1";

    // Dashboard
    public const string ProgramCards = ".cards .card";

    // A student's, teacher's or school admin's own page
    public const string MyAccount = "#my-account";
    public const string MySchools = "#my-schools li";
    public const string MyPrograms = "#my-programs li";
    public const string MySignOut = "#my-sign-out";

    // The navigation inside a program
    public const string ProgramBar = "nav.programbar";
    public const string LinksToHistory = "a[href$='/imports']";

    // Import Users
    public const string TemplateLinks = "a[data-template]";
    public const string TemplateWorkbookLinks = "a[data-template-xlsx]";
    public const string UserType = "#user-type";
    public const string DropZone = "#drop-zone";
    public const string UploadButton = "#upload-button";
    public const string RosterSyncedNotice = "#roster-synced";
    public const string WrongTemplateDialog = "#wrong-template-dialog";
    public const string ProblemDialog = "#problem-dialog";
    public const string ProgressDialog = "#progress-dialog";
    public const string ProgressTitle = "#progress-title";
    public const string ProgressDetail = "#progress-detail";
    public const string ProgressCurrentStep = "#progress-steps li[aria-current=step]";
    public const string ProgressTimeLeft = "#progress-eta";
    public const string ProgressLeave = "#progress-leave";
    public const string ProgressPercent = "#progress-percent";
    public const string CancelButton = "#cancel-button";
    public const string Results = "#results";
    public const string ResultsTitle = "#results-title";
    public const string ResultsText = "#results-text";
    public const string ErrorList = "#error-list";
    public const string ErrorRows = "#errors tbody tr";
    public const string ErrorReport = "#error-report";
    public const string ErrorsSummary = "#errors-summary";
    public const string ErrorPager = "#error-pager";
    public const string ErrorsNext = "#errors-next";
    public const string Warnings = "#warnings";
    public const string HelpSummary = "details.help > summary";
    public const string ConfirmButton = "#confirm-button";
    public const string SuccessDialog = "#success-dialog";
    public const string SuccessTitle = "#success-title";
    public const string DialogOk = "button[data-close]";

    // Users
    public const string UserRows = "#users tbody tr";
    public const string UserCount = "#user-count";
    public const string UserSearch = "#q";
    public const string UserTypeFilter = "#type";
    public const string UserSchoolFilter = "#school";
    public const string UsersPager = "nav.pager";
    public const string UsersPagerStatus = "nav.pager [data-page-status]";
    public const string UsersNext = "nav.pager a[rel=next]";
    public const string UsersPrevious = "nav.pager a[rel=prev]";

    // Schools
    public const string SchoolRows = "#schools tbody tr";
    public const string SchoolDetails = "#school-details";

    // Import History
    public const string OpenToConfirm = "#history a:text('Open to confirm')";
    public const string HistoryRows = "#history tbody tr";
    public const string HistoryOpenLink = "a[data-open-import]";
    public const string HistoryRowsCell = "td[data-rows]";
    public const string HistoryRevert = "a[data-revert]";
    public const string HistoryRevertRefusedNote = "[data-revert-refused]";
    public const string HistoryReverted = "[data-reverted]";
    public const string HistoryPlan = "[data-plan]";
    public const string RevertConfirm = "#revert-confirm";
    public const string RevertYes = "#revert-yes";
    public const string RevertDone = "#revert-done";
    public const string RevertRefused = "#revert-refused";

    // Update and sync on Import Users: the mode, the plan's changes, the threshold
    public const string ChangeRows = "#changes tbody tr";
    public const string ChangesCaption = "#changes > p";
    public const string AllowDeactivations = "#allow-deactivations";

    // Users: the round-trip downloads
    public const string ExportLinks = "a[data-export]";
}
