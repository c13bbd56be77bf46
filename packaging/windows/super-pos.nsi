; Windows installer for the Super POS till (NSIS 3, Modern UI 2).
;
; Build the bundle on Windows first (see packaging/README.md), then, from the repository
; root:
;   makensis /DVERSION=0.1.0 packaging\windows\super-pos.nsi
; On Linux CI the same script compiles against the Linux bundle to catch script errors
; (CI runs exactly this line, from the repository root):
;   makensis -V2 -DVERSION=0.1.0 -DFAST packaging/windows/super-pos.nsi
; Both read the bundle from out/pyinstaller/super-pos and write
; out/nsis/super-pos-<version>-setup.exe (override with -DSRC_DIR= and -DOUT_FILE=, paths
; relative to this folder: makensis changes into it).
;
; Installs per machine under Program Files, adds a Start-menu folder (till + uninstaller),
; an optional desktop shortcut and the Add/Remove Programs entry. The till's data (sales,
; journal, unsent events) lives in each user's %LOCALAPPDATA%\super-pos and is NOT removed
; by the uninstaller: unsent sales must survive a reinstall.

Unicode true
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef SRC_DIR
  !define SRC_DIR "../../out/pyinstaller/super-pos"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "../../out/nsis/super-pos-${VERSION}-setup.exe"
  ; makensis does not create the output folder
  !ifdef NSIS_WIN32_MAKENSIS
    !system 'if not exist "..\..\out\nsis" mkdir "..\..\out\nsis"'
  !else
    !system 'mkdir -p ../../out/nsis'
  !endif
!endif
!define APP_NAME "Super POS"
!define APP_EXE "pos-desktop.exe"
!define COMPANY "Super POS"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SuperPOS"
; Compile-time paths are relative to this folder (makensis changes into it) and use
; "/": makensis accepts it on Windows and needs it on Linux.
!define ICON_FILE "../../pos_desktop/resources/icons/app.ico"

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "Software\${COMPANY}\${APP_NAME}" "InstallDir"
RequestExecutionLevel admin
!ifdef FAST
  SetCompress off  ; CI script check only: the output is thrown away
!else
  SetCompressor /SOLID lzma
!endif
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${COMPANY}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "${COMPANY}"

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
; Remember the chosen language for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT "HKLM"
!define MUI_LANGDLL_REGISTRY_KEY "Software\${COMPANY}\${APP_NAME}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"

Var StartMenuFolder
!define MUI_STARTMENUPAGE_REGISTRY_ROOT "HKLM"
!define MUI_STARTMENUPAGE_REGISTRY_KEY "Software\${COMPANY}\${APP_NAME}"
!define MUI_STARTMENUPAGE_REGISTRY_VALUENAME "StartMenuFolder"
!define MUI_STARTMENUPAGE_DEFAULTFOLDER "${APP_NAME}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_STARTMENU Application $StartMenuFolder
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Spanish first: it is the default when Windows' language is not English.
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "English"

LangString SecApp ${LANG_SPANISH} "Super POS (obligatorio)"
LangString SecApp ${LANG_ENGLISH} "Super POS (required)"
LangString SecDesktop ${LANG_SPANISH} "Acceso directo en el escritorio"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString Uninstall ${LANG_SPANISH} "Desinstalar Super POS"
LangString Uninstall ${LANG_ENGLISH} "Uninstall Super POS"
LangString DescApp ${LANG_SPANISH} "La caja registradora y sus archivos."
LangString DescApp ${LANG_ENGLISH} "The till and its files."
LangString DescDesktop ${LANG_SPANISH} "Un icono de Super POS en el escritorio."
LangString DescDesktop ${LANG_ENGLISH} "A Super POS icon on the desktop."
LangString DataKept ${LANG_SPANISH} "Las ventas y datos de la caja se conservan en %LOCALAPPDATA%\super-pos."
LangString DataKept ${LANG_ENGLISH} "The till's sales and data are kept in %LOCALAPPDATA%\super-pos."
LangString Running ${LANG_SPANISH} "Cierre Super POS antes de continuar."
LangString Running ${LANG_ENGLISH} "Close Super POS before continuing."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Super POS requires 64-bit Windows. / Super POS requiere Windows de 64 bits."
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "!$(SecApp)" SEC_APP
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program folder whole, so no file of an older version lingers.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SRC_DIR}/*.*"
  File "/oname=app.ico" "${ICON_FILE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "Software\${COMPANY}\${APP_NAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${COMPANY}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\app.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  !insertmacro MUI_STARTMENU_WRITE_BEGIN Application
    SetShellVarContext all
    CreateDirectory "$SMPROGRAMS\$StartMenuFolder"
    CreateShortcut "$SMPROGRAMS\$StartMenuFolder\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\app.ico"
    CreateShortcut "$SMPROGRAMS\$StartMenuFolder\$(Uninstall).lnk" "$INSTDIR\uninstall.exe"
  !insertmacro MUI_STARTMENU_WRITE_END
SectionEnd

Section "$(SecDesktop)" SEC_DESKTOP
  SetShellVarContext all
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\app.ico"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_APP} $(DescApp)
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_DESKTOP} $(DescDesktop)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  SetShellVarContext all
  !insertmacro MUI_STARTMENU_GETFOLDER Application $StartMenuFolder
  Delete "$SMPROGRAMS\$StartMenuFolder\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\$StartMenuFolder\$(Uninstall).lnk"
  RMDir "$SMPROGRAMS\$StartMenuFolder"
  Delete "$DESKTOP\${APP_NAME}.lnk"

  ; Only the program folder: never the users' data folders.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\pos-desktop-cli.exe"
  Delete "$INSTDIR\app.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\${COMPANY}\${APP_NAME}"
  DeleteRegKey /ifempty HKLM "Software\${COMPANY}"
  DetailPrint "$(DataKept)"
SectionEnd
