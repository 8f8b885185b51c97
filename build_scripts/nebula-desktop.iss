; Inno Setup 6 script for Nebula Desktop: a per-user install that needs no admin rights.
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\dist\NebulaDesktop /DOutputDir=..\dist ^
;        /DIconFile=..\build\icons\nebula-desktop.ico build_scripts\nebula-desktop.iss
;
; build_windows.ps1 runs this with the right values. Relative paths are relative to this file.
; The uninstaller removes the program; the user's conversations and settings
; (%LOCALAPPDATA%\nebula-desktop) stay unless the user says yes when asked, or the uninstaller
; runs with /DELETEUSERDATA (silent uninstalls keep them otherwise).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build_windows.ps1 reads it from pyproject.toml)
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\NebulaDesktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\build\icons\nebula-desktop.ico"
#endif
#ifndef NumericVersion
  ; Windows' version resource wants digits only (X.Y.Z); build_windows.ps1 passes it.
  #define NumericVersion AppVersion
#endif
#define AppName "Nebula Desktop"
#define AppExe "NebulaDesktop.exe"
; Where platformdirs puts the app's data, settings, cache and logs on Windows (appauthor=False).
#define UserDataDir "{localappdata}\nebula-desktop"

[Setup]
; The AppId identifies the app for upgrades and uninstall; never change it.
AppId={{6B0E4C1D-7A52-4E4B-9C2F-5D1A8E3B7C90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Nebula Desktop developers
AppPublisherURL=https://llm.ai-nebula.com/
VersionInfoVersion={#NumericVersion}
; Per user, no UAC prompt: {autopf} becomes %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=NebulaDesktop-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running copy holds its files open: offer to close it (Restart Manager).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Chat with OpenAI-compatible AI models"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may have left in its own folder (e.g. a crash dump).
Type: filesandordirs; Name: "{app}"

[Code]
function UninstallHasParam(const Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  DeleteData: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#UserDataDir}');
  if not DirExists(DataDir) then
    Exit;
  DeleteData := UninstallHasParam('/DELETEUSERDATA');
  if (not DeleteData) and (not UninstallSilent) then
    DeleteData := MsgBox('Also delete your Nebula Desktop conversations and settings?' + #13#10#13#10 +
      DataDir + #13#10#13#10 +
      'Choose No to keep them for a later installation. API keys stay in Windows Credential ' +
      'Manager (service "nebula-desktop") either way.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if DeleteData then
    DelTree(DataDir, True, True, True);
end;
