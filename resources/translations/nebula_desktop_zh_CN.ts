<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>{name} is too large ({size}; the limit is {limit})</source>
        <translation>{name} 太大（{size}，上限为 {limit}）</translation>
    </message>
    <message>
        <source>A message can carry at most {limit} attachments.</source>
        <translation>一条消息最多只能带 {limit} 个附件。</translation>
    </message>
    <message>
        <source>{name} is not UTF-8 text, so it cannot be inlined.</source>
        <translation>{name} 不是 UTF-8 文本，无法内嵌到消息中。</translation>
    </message>
    <message>
        <source>{name} is not a kind of file Nebula Desktop can attach. It attaches images, PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or code files.</source>
        <translation>{name} 不是 Nebula Desktop 可以附加的文件类型。可附加：图片、PDF、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、OpenDocument、EPUB、HTML、CSV 以及文本或代码文件。</translation>
    </message>
    <message>
        <source>{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached.</source>
        <translation>{name} 不是普通文件（而是管道、设备或文件夹），因此无法附加。</translation>
    </message>
    <message>
        <source>Could not read {name}: {reason}</source>
        <translation>无法读取 {name}：{reason}</translation>
    </message>
    <message>
        <source>{name} is too large to read ({size}; the limit is {limit}).</source>
        <translation>{name} 太大，无法读取（{size}，上限为 {limit}）。</translation>
    </message>
    <message>
        <source>{name} is not a kind of file Nebula Desktop can read text from. It reads PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or code files.</source>
        <translation>{name} 不是 Nebula Desktop 能从中读取文本的文件类型。可读取：PDF、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、OpenDocument、EPUB、HTML、CSV 以及文本或代码文件。</translation>
    </message>
    <message>
        <source>{name} is in the old Office format; save it as {modern} and attach it again.</source>
        <translation>{name} 是旧版 Office 格式；请另存为 {modern} 后重新附加。</translation>
    </message>
    <message>
        <source>{name} is not a real {label} file: its content does not match its extension.</source>
        <translation>{name} 不是真正的 {label} 文件：其内容与扩展名不符。</translation>
    </message>
    <message>
        <source>{name} could not be read: the file is damaged ({detail}).</source>
        <translation>无法读取 {name}：文件已损坏（{detail}）。</translation>
    </message>
    <message>
        <source>{name} is protected by a password; remove the password and attach it again.</source>
        <translation>{name} 受密码保护；请移除密码后重新附加。</translation>
    </message>
    <message>
        <source>{name} is protected by DRM (copy protection), so its text cannot be read.</source>
        <translation>{name} 受 DRM（复制保护）保护，无法读取其文本。</translation>
    </message>
    <message>
        <source>{name} is encrypted in a way this copy of Nebula Desktop cannot open; save an unprotected copy and attach that.</source>
        <translation>{name} 的加密方式是此版本的 Nebula Desktop 无法打开的；请保存一份未加密的副本并附加该副本。</translation>
    </message>
    <message>
        <source>{name} looks scanned: no text to extract (its pages are images, not text).</source>
        <translation>{name} 似乎是扫描件：没有可提取的文本（其页面是图像，而不是文本）。</translation>
    </message>
    <message>
        <source>{name} contains no text to extract.</source>
        <translation>{name} 中没有可提取的文本。</translation>
    </message>
    <message>
        <source>{name} is not UTF-8 or UTF-16 text (perhaps an older encoding such as Windows-1252 or GBK); save it as UTF-8 and attach it again.</source>
        <translation>{name} 不是 UTF-8 或 UTF-16 文本（可能是 Windows-1252 或 GBK 等旧编码）；请另存为 UTF-8 后重新附加。</translation>
    </message>
    <message>
        <source>{name} was refused: it contains an XML document type declaration, which real documents never need and which can make a reader expand text without end.</source>
        <translation>{name} 已被拒绝：它包含 XML 文档类型声明，真实文档从不需要它，而它可能让读取器无休止地展开文本。</translation>
    </message>
    <message>
        <source>{name} was refused: it unpacks to {size}, more than the {limit} Nebula Desktop reads from one document.</source>
        <translation>{name} 已被拒绝：它解压后为 {size}，超过了 Nebula Desktop 从单个文档读取的上限 {limit}。</translation>
    </message>
    <message>
        <source>{name} was refused: it lists more parts than a document has ({size} of zip directory; the limit is {limit}).</source>
        <translation>{name} 已被拒绝：它列出的部件多于正常文档（zip 目录 {size}，上限为 {limit}）。</translation>
    </message>
    <message>
        <source>{name} was refused: it has more than {limit} elements of markup and no text among them.</source>
        <translation>{name} 已被拒绝：它有超过 {limit} 个标记元素，其中没有任何文本。</translation>
    </message>
    <message>
        <source>{name} was refused: it has more internal objects ({count}) than {limit}.</source>
        <translation>{name} 已被拒绝：它的内部对象（{count} 个）超过上限 {limit}。</translation>
    </message>
    <message>
        <source>{name} was refused: its structure goes past a safety limit ({detail}).</source>
        <translation>{name} 已被拒绝：其结构超出了安全上限（{detail}）。</translation>
    </message>
    <message>
        <source>{name} is not an image that can be read.</source>
        <translation>{name} 不是可读取的图片。</translation>
    </message>
    <message>
        <source>{count} chars</source>
        <translation>{count} 个字符</translation>
    </message>
    <message>
        <source>≈{count} tokens</source>
        <translation>≈{count} 个 Token</translation>
    </message>
    <message>
        <source>Attachment problem</source>
        <translation>附件问题</translation>
    </message>
    <message>
        <source>Cancel reading {name}</source>
        <translation>取消读取 {name}</translation>
    </message>
    <message>
        <source>Remove {name}</source>
        <translation>移除 {name}</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <source>Reading {name}</source>
        <translation>正在读取 {name}</translation>
    </message>
    <message>
        <source>cut at the limit</source>
        <translation>已按上限截断</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AttachmentViewer</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>{count} characters</source>
        <translation>{count} 个字符</translation>
    </message>
    <message>
        <source>≈{count} tokens</source>
        <translation>≈{count} 个 Token</translation>
    </message>
    <message>
        <source>The text Nebula Desktop extracted and sent with the message.</source>
        <translation>Nebula Desktop 提取并随消息发送的文本。</translation>
    </message>
    <message>
        <source>Text of {name}</source>
        <translation>{name} 的文本</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>复制文本</translation>
    </message>
</context>
<context>
    <name>BackupActions</name>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>The daily backup failed: {error}</source>
        <translation>每日备份失败：{error}</translation>
    </message>
    <message>
        <source>Backup saved: {path}</source>
        <translation>备份已保存：{path}</translation>
    </message>
    <message numerus="yes">
        <source>Restore %n conversation(s) from {date}? Existing conversations with the same id will be replaced by the backup&apos;s version; others are kept.</source>
        <translation>
            <numerusform>要从 {date} 恢复 %n 个对话吗？ID 相同的现有对话将被替换为备份中的版本，其他对话保持不变。</numerusform>
        </translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message numerus="yes">
        <source>%n damaged file(s) in the backup cannot be restored and will be skipped.</source>
        <translation>
            <numerusform>备份中有 %n 个文件已损坏，无法恢复，将被跳过。</numerusform>
        </translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>An answer is still arriving. Stop it or wait, then try again.</source>
        <translation>回答仍在接收中。请先停止或等待完成，然后重试。</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message numerus="yes">
        <source>Restored %n chat(s) from the backup.</source>
        <translation>
            <numerusform>已从备份恢复 %n 个对话。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they were written by a newer version of Nebula Desktop.</source>
        <translation>
            <numerusform>%n 个对话未被替换：它们由较新版本的 Nebula Desktop 写入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they could not be read.</source>
        <translation>
            <numerusform>%n 个对话未被替换：它们无法读取。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they changed on disk during the restore.</source>
        <translation>
            <numerusform>%n 个对话未被替换：它们在恢复期间在磁盘上被修改。</numerusform>
        </translation>
    </message>
    <message>
        <source>The replaced chats were saved first in {name}.</source>
        <translation>被替换的对话已先保存到 {name}。</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Restoring puts back the chats saved in a backup. Chats with the same id are replaced by the backup&apos;s version; all other chats are kept.</source>
        <translation>恢复会放回备份中保存的对话。ID 相同的对话会被替换为备份中的版本，其他对话均保留。</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>No backups yet.</source>
        <translation>还没有备份。</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Other file…</source>
        <translation>其他文件…</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>daily</source>
        <translation>每日</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>before restore</source>
        <translation>恢复前</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>选择备份</translation>
    </message>
    <message>
        <source>Backups (*.zip)</source>
        <translation>备份文件 (*.zip)</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>This chat was saved by a newer version of Nebula Desktop; it is read-only.</source>
        <translation>此对话由更新版本的 Nebula Desktop 保存，只能查看，不能修改。</translation>
    </message>
    <message>
        <source>Choose or type a model name first.</source>
        <translation>请先选择或输入模型名称。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>There is no answer to regenerate yet.</source>
        <translation>还没有可以重新生成的回答。</translation>
    </message>
    <message>
        <source>Stop the answer before switching versions.</source>
        <translation>请先停止回答，再切换版本。</translation>
    </message>
    <message>
        <source>Stop the answer before editing.</source>
        <translation>请先停止回答，再进行编辑。</translation>
    </message>
    <message>
        <source>There is nothing to clear yet.</source>
        <translation>还没有可清除的内容。</translation>
    </message>
    <message>
        <source>The context is already cleared.</source>
        <translation>上下文已经清除了。</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
</context>
<context>
    <name>ChatHeader</name>
    <message>
        <source>Endpoint profile</source>
        <translation>端点配置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <source>Model (type any name, or pick one the server lists)</source>
        <translation>模型（可输入任意名称，或从服务器列出的模型中选择）</translation>
    </message>
    <message>
        <source>Reload model list</source>
        <translation>刷新模型列表</translation>
    </message>
    <message>
        <source>Reload the model list from the server</source>
        <translation>从服务器重新获取模型列表</translation>
    </message>
    <message>
        <source>Loading models</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <source>Compare models</source>
        <translation>对比模型</translation>
    </message>
    <message>
        <source>Ask 2–4 models at once, side by side (Ctrl+Shift+M)</source>
        <translation>同时询问 2–4 个模型，并排显示（Ctrl+Shift+M）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Temperature (0 = focused, 2 = very random)</source>
        <translation>温度（0 = 专注，2 = 非常随机）</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大 Token 数</translation>
    </message>
    <message>
        <source>Longest answer in tokens (no limit = not sent)</source>
        <translation>回答的最大 Token 数（不限 = 不发送此参数）</translation>
    </message>
    <message>
        <source>System…</source>
        <translation>系统…</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>&amp;Temp.</source>
        <translation>温度(&amp;T)</translation>
    </message>
    <message>
        <source>Ma&amp;x tokens</source>
        <translation>最大 Token(&amp;X)</translation>
    </message>
    <message>
        <source>System ✓</source>
        <translation>系统 ✓</translation>
    </message>
    <message>
        <source>No system prompt</source>
        <translation>无系统提示词</translation>
    </message>
</context>
<context>
    <name>ChatSearchBox</name>
    <message>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
</context>
<context>
    <name>ChatWorker</name>
    <message>
        <source>Unexpected error ({error}); details are in the log.</source>
        <translation>意外错误（{error}），详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>ChunkedWriter</name>
    <message>
        <source>Chats are still being saved; try again in a moment.</source>
        <translation>对话仍在保存中，请稍后再试。</translation>
    </message>
    <message>
        <source>Saving chats… {done} of {total}</source>
        <translation>正在保存对话… {done} / {total}</translation>
    </message>
</context>
<context>
    <name>CompareColumn</name>
    <message>
        <source>Figures of this answer</source>
        <translation>此回答的数据</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Continue with this</source>
        <translation>用这个继续</translation>
    </message>
    <message>
        <source>Keep this answer as the chat&apos;s version and continue with its model</source>
        <translation>把此回答作为对话的版本，并用它的模型继续</translation>
    </message>
    <message>
        <source>first token {seconds} s</source>
        <translation>首字 {seconds} 秒</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>等待中…</translation>
    </message>
    <message>
        <source>{rate} tok/s</source>
        <translation>{rate} Token/秒</translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation>{tokens} Token</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Compared answers</source>
        <translation>对比的回答</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>全部停止</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Back to the chat (column 1 stays the chosen version)</source>
        <translation>回到对话（第 1 列仍是选中的版本）</translation>
    </message>
    <message numerus="yes">
        <source>Comparing %n model(s)</source>
        <translation>
            <numerusform>正在对比 %n 个模型</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComparePicker</name>
    <message>
        <source>Compare models</source>
        <translation>对比模型</translation>
    </message>
    <message>
        <source>Filter models</source>
        <translation>筛选模型</translation>
    </message>
    <message>
        <source>Models to compare</source>
        <translation>要对比的模型</translation>
    </message>
    <message>
        <source>Another model by name</source>
        <translation>按名称添加其他模型</translation>
    </message>
    <message>
        <source>Endpoint profile</source>
        <translation>端点配置</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Your next message goes to every model ticked here, at once.</source>
        <translation>你的下一条消息会同时发送给这里勾选的每个模型。</translation>
    </message>
    <message>
        <source>At most {count} models at once.</source>
        <translation>一次最多 {count} 个模型。</translation>
    </message>
    <message>
        <source>{count} of {most} chosen; pick at least {least}.</source>
        <translation>已选 {count} 个（最多 {most} 个）；请至少选 {least} 个。</translation>
    </message>
    <message>
        <source>{count} models chosen.</source>
        <translation>已选 {count} 个模型。</translation>
    </message>
</context>
<context>
    <name>CompareSetups</name>
    <message>
        <source>A setup needs a name; nothing was saved.</source>
        <translation>对比方案需要一个名称；未保存任何内容。</translation>
    </message>
    <message>
        <source>Comparing “{name}”.</source>
        <translation>正在对比“{name}”。</translation>
    </message>
    <message>
        <source>Delete setup</source>
        <translation>删除方案</translation>
    </message>
    <message>
        <source>Fewer than two of its models&apos; profiles still exist.</source>
        <translation>此方案中仍存在配置的模型少于两个。</translation>
    </message>
    <message>
        <source>Name of this setup:</source>
        <translation>方案名称：</translation>
    </message>
    <message>
        <source>No saved setups yet</source>
        <translation>尚无已保存的方案</translation>
    </message>
    <message>
        <source>Pick 2–4 models to compare first, then save them as a setup.</source>
        <translation>请先选择 2–4 个要对比的模型，再将其保存为方案。</translation>
    </message>
    <message>
        <source>Save compare setup</source>
        <translation>保存对比方案</translation>
    </message>
    <message>
        <source>Save current models as a setup…</source>
        <translation>将当前模型保存为方案…</translation>
    </message>
    <message>
        <source>Setup “{name}” deleted.</source>
        <translation>已删除方案“{name}”。</translation>
    </message>
    <message>
        <source>Setup “{name}” replaced.</source>
        <translation>已替换方案“{name}”。</translation>
    </message>
    <message>
        <source>Setup “{name}” saved.</source>
        <translation>已保存方案“{name}”。</translation>
    </message>
    <message>
        <source>The setup “{name}” has fewer than two usable models.</source>
        <translation>方案“{name}”中可用的模型少于两个。</translation>
    </message>
    <message>
        <source>{count} setups are saved, the most kept: delete one first.</source>
        <translation>已保存 {count} 个方案，已达上限：请先删除一个。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>≈ {count} × {tokens} tokens</source>
        <translation>≈ {count} × {tokens} 个 Token</translation>
    </message>
    <message>
        <source>Sent to {count} models:</source>
        <translation>将发送给 {count} 个模型：</translation>
    </message>
    <message>
        <source>{model}: ≈ {tokens} tokens</source>
        <translation>{model}：≈ {tokens} 个 Token</translation>
    </message>
    <message>
        <source>no price</source>
        <translation>无价格</translation>
    </message>
    <message>
        <source>Message  (Enter to send, Shift+Enter for a new line)</source>
        <translation>输入消息（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Type a message; Enter sends, Shift+Enter adds a line</source>
        <translation>输入消息；Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Composer notice</source>
        <translation>输入框提示</translation>
    </message>
    <message>
        <source>Estimate of the next request</source>
        <translation>下一次请求的估算</translation>
    </message>
    <message>
        <source>Attach images, documents or text files</source>
        <translation>附加图片、文档或文本文件</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答 (Esc)</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <source>≈ {tokens} tokens</source>
        <translation>≈ {tokens} tokens</translation>
    </message>
    <message>
        <source>Estimated prompt of the next request: the system prompt, the messages this chat sends, your message and its attachments.</source>
        <translation>下一次请求的提示词估算：系统提示词、本对话要发送的消息、你的消息及其附件。</translation>
    </message>
    <message>
        <source>Fitted to what this model reported for earlier answers.</source>
        <translation>已按此模型之前回答报告的用量校准。</translation>
    </message>
    <message>
        <source>A rough estimate until this model has answered once.</source>
        <translation>粗略估算，此模型回答一次后会更准确。</translation>
    </message>
    <message>
        <source>The price counts the prompt only, not the answer.</source>
        <translation>价格只计算提示词，不含回答。</translation>
    </message>
    <message>
        <source>over the {window}-token context window</source>
        <translation>超出 {window} Token 的上下文窗口</translation>
    </message>
    <message>
        <source>This request is larger than the model&apos;s context window ({window} tokens): the server may refuse it or drop the oldest text. Clear the context or send fewer messages (Context in the chat bar).</source>
        <translation>这次请求超出了模型的上下文窗口（{window} Token）：服务器可能拒绝它或丢掉最早的文本。请清除上下文或少发送一些消息（对话栏中的“上下文”）。</translation>
    </message>
    <message>
        <source>Editing a message: sending adds it as a new version; the old one stays (‹ › on the message). Esc cancels.</source>
        <translation>正在编辑消息：发送后会作为新版本添加，旧版本仍然保留（可在消息上用 ‹ › 切换）。按 Esc 取消。</translation>
    </message>
    <message>
        <source>Sends when {names} has been read (Esc cancels).</source>
        <translation>{names} 读取完成后即发送（按 Esc 取消）。</translation>
    </message>
    <message>
        <source>Waiting for the documents to be read</source>
        <translation>正在等待文档读取完成</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>Images, documents and text files</source>
        <translation>图片、文档和文本文件</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
</context>
<context>
    <name>ConflictBar</name>
    <message>
        <source>Review</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>1 conflicting copy found from sync</source>
        <translation>同步时发现 1 个冲突副本</translation>
    </message>
    <message numerus="yes">
        <source>%n conflicting copies found from sync</source>
        <translation>
            <numerusform>同步时发现 %n 个冲突副本</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <source>Another computer changed these chats at the same time as this one, so the sync service kept both versions. Merging keeps every message of both; the extra copy is moved to the conflicts-merged folder, not deleted.</source>
        <translation>另一台电脑与本机同时修改了这些对话，因此同步服务保留了两个版本。合并会保留两边的所有消息；多出的副本会移到 conflicts-merged 文件夹，而不会被删除。</translation>
    </message>
    <message>
        <source>Conflicting copies</source>
        <translation>冲突副本</translation>
    </message>
    <message>
        <source>Merge selected</source>
        <translation>合并所选</translation>
    </message>
    <message>
        <source>Merge all</source>
        <translation>全部合并</translation>
    </message>
    <message>
        <source>(deleted chat)</source>
        <translation>（已删除的对话）</translation>
    </message>
    <message>
        <source>{title} — copy from {tool}, saved {time}</source>
        <translation>{title} — 来自 {tool} 的副本，保存于 {time}</translation>
    </message>
</context>
<context>
    <name>ConflictWatch</name>
    <message>
        <source>An answer is still arriving; try again when it is done.</source>
        <translation>回答仍在接收中，请在完成后重试。</translation>
    </message>
    <message numerus="yes">
        <source>Merged %n copy(ies).</source>
        <translation>
            <numerusform>已合并 %n 个副本。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected — {count} models</source>
        <translation>已连接 — {count} 个模型</translation>
    </message>
</context>
<context>
    <name>ContextButton</name>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>All messages</source>
        <translation>全部消息</translation>
    </message>
    <message>
        <source>Last {count}</source>
        <translation>最近 {count} 条</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <source>Clear context</source>
        <translation>清除上下文</translation>
    </message>
    <message>
        <source>Each request sends the whole chat.</source>
        <translation>每次请求发送整个对话。</translation>
    </message>
    <message>
        <source>Each request sends the last {count} messages of this chat.</source>
        <translation>每次请求只发送本对话最近的 {count} 条消息。</translation>
    </message>
    <message>
        <source>Your question counts as one; the system prompt is always sent. Fewer messages cost fewer tokens, and the model forgets what is not sent. Clear context (Ctrl+K) starts afresh from the next message.</source>
        <translation>你的问题算一条；系统提示词总会发送。消息越少，消耗的 Token 越少；没有发送的内容模型不会记得。清除上下文（Ctrl+K）从下一条消息重新开始。</translation>
    </message>
    <message>
        <source>Send only the last messages of this chat (1 or more):</source>
        <translation>只发送本对话最近的几条消息（1 条或更多）：</translation>
    </message>
</context>
<context>
    <name>ContextClearedBar</name>
    <message>
        <source>Context cleared: your next message starts afresh; the messages above the divider are not sent.</source>
        <translation>上下文已清除：下一条消息重新开始；分隔线以上的消息不再发送。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo clear context</source>
        <translation>撤销清除上下文</translation>
    </message>
    <message>
        <source>Take the divider away: the earlier messages are sent again</source>
        <translation>移除分隔线：之前的消息会再次发送</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>No messages yet</source>
        <translation>还没有消息</translation>
    </message>
    <message>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>{day} {month}</source>
        <translation>{month}{day}日</translation>
    </message>
    <message>
        <source>Chat title</source>
        <translation>对话标题</translation>
    </message>
    <message>
        <source>[image]</source>
        <translation>[图片]</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Start a new chat (Ctrl+N)</source>
        <translation>新建对话 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>No chats match “{query}”</source>
        <translation>没有与“{query}”匹配的对话</translation>
    </message>
    <message>
        <source>No chats yet.
Start one with New chat (Ctrl+N).</source>
        <translation>还没有对话。
点击“新建对话”（Ctrl+N）开始吧。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
</context>
<context>
    <name>DataActions</name>
    <message>
        <source>&amp;Export chats…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Import chats…</source>
        <translation>导入对话(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Back up now…</source>
        <translation>立即备份(&amp;B)…</translation>
    </message>
    <message>
        <source>Restore from bac&amp;kup…</source>
        <translation>从备份恢复(&amp;K)…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) to {folder}</source>
        <translation>
            <numerusform>已导出 %n 个文件到 {folder}</numerusform>
        </translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s)</source>
        <translation>
            <numerusform>已导入 %n 个对话</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n already present</source>
        <translation>
            <numerusform>；%n 个已存在</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n as a new chat beside one from a newer version</source>
        <translation>
            <numerusform>；%n 个作为新对话导入，与由较新版本写入的同 ID 对话并存</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n as a new chat beside one that could not be read</source>
        <translation>
            <numerusform>；%n 个作为新对话导入，与无法读取的同 ID 对话并存</numerusform>
        </translation>
    </message>
    <message>
        <source>Chat exports (*.json *.zip);;All files (*)</source>
        <translation>对话导出文件 (*.json *.zip);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>DocumentChipText</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>≈{count} tokens</source>
        <translation>≈{count} 个 Token</translation>
    </message>
    <message>
        <source>document</source>
        <translation>文档</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export chats</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>HTML page</source>
        <translation>HTML 网页</translation>
    </message>
    <message>
        <source>JSON (can be imported again)</source>
        <translation>JSON（可再次导入）</translation>
    </message>
    <message>
        <source>This chat</source>
        <translation>当前对话</translation>
    </message>
    <message numerus="yes">
        <source>Selected chats (%n)</source>
        <translation>
            <numerusform>所选对话（%n 个）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All chats (%n)</source>
        <translation>
            <numerusform>全部对话（%n 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>One file per chat (choose a folder)</source>
        <translation>每个对话一个文件（选择文件夹）</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Chats:</source>
        <translation>对话：</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Nebula chats</source>
        <translation>Nebula 对话</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Export to file</source>
        <translation>导出到文件</translation>
    </message>
    <message>
        <source>Choose where to save the export.</source>
        <translation>请选择导出的保存位置。</translation>
    </message>
    <message>
        <source>There is nothing to export.</source>
        <translation>没有可导出的内容。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
</context>
<context>
    <name>GeneralSettings</name>
    <message>
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Restart Nebula Desktop to change the language.</source>
        <translation>更改语言需要重新启动 Nebula Desktop。</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字号</translation>
    </message>
    <message>
        <source>System</source>
        <translation>默认</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> 磅</translation>
    </message>
    <message>
        <source>Render math formulas in answers</source>
        <translation>在回答中渲染数学公式</translation>
    </message>
    <message>
        <source>Formulas written in TeX (between $ signs) are drawn as math on this computer. Off shows the TeX as the model wrote it.</source>
        <translation>写在 $ 符号之间的公式会在本机绘制为数学公式。关闭后按模型写出的原样显示公式源码。</translation>
    </message>
    <message>
        <source>Ask the model for a short title after the first answer</source>
        <translation>第一条回答后让模型生成简短标题</translation>
    </message>
    <message>
        <source>Write message text to the log file (for troubleshooting; off keeps chats private)</source>
        <translation>将消息内容写入日志文件（用于排查问题；关闭可保护对话隐私）</translation>
    </message>
    <message>
        <source>Messages a new chat sends</source>
        <translation>新对话发送的消息</translation>
    </message>
    <message>
        <source>All messages</source>
        <translation>全部消息</translation>
    </message>
    <message>
        <source>the last </source>
        <translation>最近 </translation>
    </message>
    <message>
        <source> messages</source>
        <translation> 条消息</translation>
    </message>
    <message>
        <source>How much history a new chat sends with each request: all of it, or only the last messages. Each chat can change it in its bar (Context); changing this default leaves existing chats as they are.</source>
        <translation>新对话每次请求发送多少历史：全部，或只发送最近的几条消息。每个对话都可以在对话栏（上下文）中修改；更改此默认值不会影响已有的对话。</translation>
    </message>
    <message>
        <source>Hosts whose images load without asking</source>
        <translation>无需询问即可加载图片的主机</translation>
    </message>
    <message>
        <source>Images in answers from these hosts (separated by commas or spaces) load as if you had clicked Load image; a host also allows its subdomains (its name with anything in front, ending in a dot). Nothing of yours is sent with them.</source>
        <translation>回答中来自这些主机（用逗号或空格分隔）的图片会自动加载，如同您点击了“加载图片”；主机也包括其子域名（在主机名前加任意前缀和一个点）。加载时不会发送您的任何信息。</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Font size:</source>
        <translation>字号(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;New chats send:</source>
        <translation>新对话发送(&amp;N)：</translation>
    </message>
    <message>
        <source>Load &amp;images from these hosts without asking:</source>
        <translation>无需询问即加载这些主机的图片(&amp;I)：</translation>
    </message>
    <message>
        <source>Not saved: {words} (a host name only, at most {limit} hosts).</source>
        <translation>未保存：{words}（只能填写主机名，最多 {limit} 个主机）。</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>The image could not be read.</source>
        <translation>无法读取这张图片。</translation>
    </message>
    <message>
        <source>Image copied</source>
        <translation>图片已复制</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>保存图片</translation>
    </message>
    <message>
        <source>Images (*{suffix})</source>
        <translation>图片 (*{suffix})</translation>
    </message>
    <message>
        <source>Could not save the image: {reason}</source>
        <translation>无法保存图片：{reason}</translation>
    </message>
    <message>
        <source>Image saved to {path}</source>
        <translation>图片已保存到 {path}</translation>
    </message>
    <message>
        <source>{width} × {height} pixels</source>
        <translation>{width} × {height} 像素</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>保存图片…</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图片</translation>
    </message>
</context>
<context>
    <name>KeyField</name>
    <message>
        <source>•••• stored in the keyring</source>
        <translation>•••• 已保存在密钥环中</translation>
    </message>
    <message>
        <source>•••• kept for this session only</source>
        <translation>•••• 仅在本次运行期间保留</translation>
    </message>
    <message>
        <source>Paste your API key (sk-…)</source>
        <translation>粘贴你的 API 密钥 (sk-…)</translation>
    </message>
    <message>
        <source>Checking the keyring…</source>
        <translation>正在检查密钥环…</translation>
    </message>
    <message>
        <source>The saved key will be removed on Save</source>
        <translation>保存时将移除已保存的密钥</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show API key</source>
        <translation>显示 API 密钥</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Forget the saved API key</source>
        <translation>清除已保存的 API 密钥</translation>
    </message>
    <message>
        <source>Remove this profile&apos;s key on Save</source>
        <translation>保存时移除此配置的密钥</translation>
    </message>
    <message>
        <source>You can still paste a key: on Save you may keep it for this session only.</source>
        <translation>你仍可粘贴密钥：保存时可以选择仅在本次运行期间保留它。</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Compare se&amp;tups</source>
        <translation>对比方案(&amp;T)</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>C&amp;lear context</source>
        <translation>清除上下文(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Prompt presets…</source>
        <translation>提示词预设(&amp;P)…</translation>
    </message>
    <message>
        <source>Usage of this chat</source>
        <translation>本对话用量</translation>
    </message>
    <message>
        <source>Start a conversation</source>
        <translation>开始对话</translation>
    </message>
    <message>
        <source>Type a message below and press Enter (Shift+Enter for a new line).</source>
        <translation>在下方输入消息并按 Enter 发送（Shift+Enter 换行）。</translation>
    </message>
    <message>
        <source>{tokens} tokens this chat</source>
        <translation>本对话 {tokens} Token</translation>
    </message>
    <message>
        <source>The model list could not be loaded without your API key: this profile uses plain http://, so the key is only sent once you allow it (on your first message).</source>
        <translation>未附带 API 密钥，无法加载模型列表：此配置使用明文 http://，因此只有在你允许后（发送第一条消息时）才会发送密钥。</translation>
    </message>
    <message>
        <source>Copied the last answer.</source>
        <translation>已复制上一条回答。</translation>
    </message>
    <message>
        <source>Some of your data needed attention. Nothing was deleted:</source>
        <translation>部分数据需要你留意，没有任何内容被删除：</translation>
    </message>
    <message>
        <source>Open data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>Open settings folder</source>
        <translation>打开设置文件夹</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Search chats</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <source>Ne&amp;xt chat</source>
        <translation>下一个对话(&amp;X)</translation>
    </message>
    <message>
        <source>Pre&amp;vious chat</source>
        <translation>上一个对话(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Rename chat</source>
        <translation>重命名对话(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Delete chat</source>
        <translation>删除对话(&amp;D)</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Stop answer</source>
        <translation>停止回答(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Regenerate last answer</source>
        <translation>重新生成上一条回答(&amp;R)</translation>
    </message>
    <message>
        <source>C&amp;ontinue last answer</source>
        <translation>继续上一条回答(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Edit last message</source>
        <translation>编辑上一条消息(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy last answer</source>
        <translation>复制上一条回答(&amp;C)</translation>
    </message>
    <message>
        <source>Go to &amp;message box</source>
        <translation>转到输入框(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About Nebula Desktop</source>
        <translation>关于 Nebula Desktop(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <source>A fast, light, native desktop chat client for OpenAI-compatible APIs.</source>
        <translation>一款快速、轻量的原生桌面聊天客户端，适用于兼容 OpenAI 的 API。</translation>
    </message>
    <message>
        <source>License: MIT</source>
        <translation>许可证：MIT</translation>
    </message>
    <message>
        <source>Open link</source>
        <translation>打开链接</translation>
    </message>
    <message>
        <source>Open this address in your browser?</source>
        <translation>要在浏览器中打开此地址吗？</translation>
    </message>
    <message>
        <source>Something went wrong: {error}

The details are in the log file (Help → Open log folder). You can keep working.</source>
        <translation>出了点问题：{error}

详细信息已写入日志文件（帮助 → 打开日志文件夹）。你可以继续使用。</translation>
    </message>
    <message>
        <source>Could not read the settings: {error}</source>
        <translation>无法读取设置：{error}</translation>
    </message>
    <message>
        <source>Another {app} is already using the data folder
{folder}

Close it first (only one app may write the conversations at a time).</source>
        <translation>另一个 {app} 正在使用数据文件夹
{folder}

请先关闭它（同一时间只能有一个程序写入对话）。</translation>
    </message>
    <message>
        <source>Could not open the data folder {folder}: {error}</source>
        <translation>无法打开数据文件夹 {folder}：{error}</translation>
    </message>
    <message>
        <source>Co&amp;mpare models…</source>
        <translation>对比模型(&amp;M)…</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>first token {seconds} s</source>
        <translation>首字 {seconds} 秒</translation>
    </message>
    <message>
        <source>{rate} tok/s</source>
        <translation>{rate} Token/秒</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy as Markdown</source>
        <translation>复制为 Markdown</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Show/Hide Thinking</source>
        <translation>显示/隐藏思考过程</translation>
    </message>
    <message>
        <source>Show/Hide Tool Details</source>
        <translation>显示/隐藏工具详情</translation>
    </message>
    <message>
        <source>Previous version (Alt+Left)</source>
        <translation>上一个版本 (Alt+Left)</translation>
    </message>
    <message>
        <source>Next version (Alt+Right)</source>
        <translation>下一个版本 (Alt+Right)</translation>
    </message>
    <message>
        <source>Remove divider</source>
        <translation>移除分隔线</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>保存图片…</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图片</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>This message is very long, so it is shown as plain text (Copy as Markdown has the original).</source>
        <translation>此消息过长，因此以纯文本显示（“复制为 Markdown”可获取原文）。</translation>
    </message>
    <message>
        <source>This message has more formatting than can be shown quickly, so it is shown as plain text (Copy as Markdown has the original).</source>
        <translation>此消息的格式标记过多，无法快速显示，因此以纯文本显示（“复制为 Markdown”可获取原文）。</translation>
    </message>
    <message>
        <source>… {count} more rows not shown (Copy as Markdown has the full table)</source>
        <translation>… 还有 {count} 行未显示（“复制为 Markdown”可获取完整表格）</translation>
    </message>
    <message>
        <source>The answer was cut off by the token limit.</source>
        <translation>回答因达到 Token 上限而被截断。</translation>
    </message>
    <message>
        <source>Another answer is still streaming; stop it first.</source>
        <translation>另一个回答仍在生成中，请先停止它。</translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation>{tokens} Token</translation>
    </message>
    <message>
        <source>{prompt} in / {completion} out</source>
        <translation>输入 {prompt} / 输出 {completion}</translation>
    </message>
    <message>
        <source>cut off at the token limit</source>
        <translation>达到 Token 上限被截断</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for {seconds} s</source>
        <translation>已思考 {seconds} 秒</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <source>Incomplete answer</source>
        <translation>回答不完整</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>没有回答</translation>
    </message>
    <message>
        <source>Request id: {id}</source>
        <translation>请求 ID：{id}</translation>
    </message>
    <message>
        <source>Context cleared — messages above are not sent</source>
        <translation>上下文已清除 — 以上消息不会发送</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>writing…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <source>thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <source>Waiting for the answer…</source>
        <translation>正在等待回答…</translation>
    </message>
    <message>
        <source>Stopped: this answer used as many tool rounds as allowed (Settings → Tools). Retry lets it go on.</source>
        <translation>已停止：此回答已用完允许的工具轮数（设置 → 工具）。点“重试”可让它继续。</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>{n} bytes</source>
        <translation>{n} 字节</translation>
    </message>
    <message>
        <source>{n} KB</source>
        <translation>{n} KB</translation>
    </message>
    <message>
        <source>{n} MB</source>
        <translation>{n} MB</translation>
    </message>
    <message>
        <source>Tool result</source>
        <translation>工具结果</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Tool call: {call}</source>
        <translation>工具调用：{call}</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Copied as Markdown</source>
        <translation>已复制为 Markdown</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>已复制代码</translation>
    </message>
    <message>
        <source>Not opened (only web links open): {url}</source>
        <translation>未打开（只能打开网页链接）：{url}</translation>
    </message>
    <message>
        <source>Open Link…</source>
        <translation>打开链接…</translation>
    </message>
    <message>
        <source>Copy Link Address</source>
        <translation>复制链接地址</translation>
    </message>
</context>
<context>
    <name>ModelCatalog</name>
    <message>
        <source>Could not load the model list: {error}</source>
        <translation>无法加载模型列表：{error}</translation>
    </message>
    <message>
        <source>Add this profile&apos;s API key in Settings (Ctrl+,) to list its models.</source>
        <translation>请先在设置（Ctrl+,）中添加此配置的 API 密钥，才能列出它的模型。</translation>
    </message>
</context>
<context>
    <name>PlainHttpGuard</name>
    <message>
        <source>This profile sends your API key unencrypted to the proxy {host}. Send anyway?</source>
        <translation>此配置会将你的 API 密钥以未加密方式发送到代理 {host}。仍要发送吗？</translation>
    </message>
    <message>
        <source>The base URL is plain http://, so the proxy and anyone on the networks in between can read and reuse the key. Use https://, or a proxy on this computer.</source>
        <translation>API 地址是普通的 http://，因此该代理以及途经网络上的任何人都能读取并冒用该密钥。请使用 https://，或使用本机上的代理。</translation>
    </message>
    <message>
        <source>This profile sends your API key unencrypted to {host}. Send anyway?</source>
        <translation>此配置会将你的 API 密钥以未加密方式发送到 {host}。仍要发送吗？</translation>
    </message>
    <message>
        <source>Anyone on the networks in between can read and reuse the key. Use https://.</source>
        <translation>途经网络上的任何人都能读取并冒用该密钥。请使用 https://。</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>未加密的连接</translation>
    </message>
    <message>
        <source>Send anyway</source>
        <translation>仍然发送</translation>
    </message>
    <message>
        <source>The tools server “{server}” uses plain http: tool arguments, results and its headers would travel unencrypted to the proxy {host}. Use it anyway?</source>
        <translation>工具服务器“{server}”使用明文 http：工具参数、结果及其请求头将以未加密方式传到代理 {host}。仍要使用吗？</translation>
    </message>
    <message>
        <source>The tools server “{server}” uses plain http: tool arguments, results and its headers would travel unencrypted to {host}. Use it anyway?</source>
        <translation>工具服务器“{server}”使用明文 http：工具参数、结果及其请求头将以未加密方式传到 {host}。仍要使用吗？</translation>
    </message>
    <message>
        <source>Use anyway</source>
        <translation>仍要使用</translation>
    </message>
    <message>
        <source>Anyone on the networks in between can read and change them. A yes holds until Nebula quits. Use https:// if the server offers it.</source>
        <translation>途经网络上的任何人都能读取并篡改这些内容。同意后在 Nebula 退出前一直有效。如果服务器支持，请使用 https://。</translation>
    </message>
    <message>
        <source>Not sent: the key was not sent in clear text.</source>
        <translation>已取消发送：密钥没有以明文发送。</translation>
    </message>
</context>
<context>
    <name>PriceTable</name>
    <message>
        <source>Prices per model</source>
        <translation>各模型价格</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Input $/1M</source>
        <translation>输入 $/1M</translation>
    </message>
    <message>
        <source>Output $/1M</source>
        <translation>输出 $/1M</translation>
    </message>
    <message>
        <source>Add price</source>
        <translation>添加价格</translation>
    </message>
    <message>
        <source>Remove price</source>
        <translation>移除价格</translation>
    </message>
    <message>
        <source>The price of {model} must be a number of dollars, e.g. 0.15.</source>
        <translation>{model} 的价格必须是美元金额，例如 0.15。</translation>
    </message>
</context>
<context>
    <name>ProfileEditor</name>
    <message>
        <source>Enter the server&apos;s base URL, e.g. https://llm.ai-nebula.com/v1.</source>
        <translation>请输入服务器的 API 地址，例如 https://llm.ai-nebula.com/v1。</translation>
    </message>
    <message>
        <source>The base URL must start with https:// (or http:// for a local server).</source>
        <translation>API 地址必须以 https:// 开头（本地服务器可用 http://）。</translation>
    </message>
    <message>
        <source>Enter the base URL only, without /chat/completions or /models.</source>
        <translation>只需输入 API 地址，不要带 /chat/completions 或 /models。</translation>
    </message>
    <message>
        <source>This does not look like an API base: OpenAI-compatible servers usually end in /v1 (e.g. https://llm.ai-nebula.com/v1).</source>
        <translation>这看起来不像 API 地址：兼容 OpenAI 的服务器通常以 /v1 结尾（例如 https://llm.ai-nebula.com/v1）。</translation>
    </message>
    <message>
        <source>Plain http:// to another computer: your API key would travel in clear text. Use https:// unless you trust every network in between.</source>
        <translation>通过明文 http:// 连接其他电脑：你的 API 密钥将以明文传输。除非你信任途经的所有网络，否则请使用 https://。</translation>
    </message>
    <message>
        <source>Header line {number} should look like “Name: value”.</source>
        <translation>第 {number} 行请求头的格式应为“Name: value”。</translation>
    </message>
    <message>
        <source>Header line {number} ({name}) carries a credential: put the key in the API key field, which goes to the system keyring.</source>
        <translation>第 {number} 行请求头（{name}）包含凭据：请把密钥填在“API 密钥”一栏，它会保存到系统密钥环中。</translation>
    </message>
    <message>
        <source>The base URL holds a user name, password or key, which settings never store: remove it and put the key in the API key field (it goes to the system keyring).</source>
        <translation>API 地址中含有用户名、密码或密钥，而设置从不保存这些内容：请将其删除，并把密钥填在“API 密钥”一栏（它会保存到系统密钥环中）。</translation>
    </message>
    <message>
        <source>The proxy address holds a user name and password, which settings never store: remove them, or leave the proxy empty and set HTTPS_PROXY in the environment.</source>
        <translation>代理地址中含有用户名和密码，而设置从不保存这些内容：请将其删除，或将代理留空并在环境变量中设置 HTTPS_PROXY。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Fill in from a preset…</source>
        <translation>从预设填写…</translation>
    </message>
    <message>
        <source>{name} (local, no key)</source>
        <translation>{name}（本地，无需密钥）</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>配置名称</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>API 地址</translation>
    </message>
    <message>
        <source>This server needs an API key</source>
        <translation>此服务器需要 API 密钥</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>e.g. gpt-4o-mini (Test connection lists them)</source>
        <translation>例如 gpt-4o-mini（“测试连接”会列出可用模型）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>empty: use the system&apos;s proxy settings</source>
        <translation>留空：使用系统代理设置</translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <source>empty: the system&apos;s certificates</source>
        <translation>留空：使用系统证书</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Extra headers</source>
        <translation>额外请求头</translation>
    </message>
    <message>
        <source>One per line, e.g.
X-Team: research</source>
        <translation>每行一个，例如
X-Team: research</translation>
    </message>
    <message>
        <source>Ask the gateway for thinking inline</source>
        <translation>让网关在回答中返回思考过程</translation>
    </message>
    <message>
        <source>Sends nebula_thinking_to_content: true (ai-nebula): the model&apos;s thinking arrives in the answer and is shown folded above it.</source>
        <translation>发送 nebula_thinking_to_content: true（ai-nebula）：模型的思考过程随回答一起返回，并折叠显示在回答上方。</translation>
    </message>
    <message>
        <source>P&amp;rovider:</source>
        <translation>服务商(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Advanced</source>
        <translation>高级(&amp;A)</translation>
    </message>
    <message>
        <source>Name, timeout, proxy, headers, prices — also in Settings (Ctrl+,) later.</source>
        <translation>名称、超时、代理、请求头、价格——以后也可在设置（Ctrl+,）中修改。</translation>
    </message>
    <message>
        <source>Pre&amp;set:</source>
        <translation>预设(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>Base &amp;URL:</source>
        <translation>API 地址(&amp;U)：</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>Default &amp;model:</source>
        <translation>默认模型(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>温度(&amp;T)：</translation>
    </message>
    <message>
        <source>T&amp;imeout:</source>
        <translation>超时(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>代理(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;CA bundle:</source>
        <translation>CA 证书包(&amp;C)：</translation>
    </message>
    <message>
        <source>Extra &amp;headers:</source>
        <translation>额外请求头(&amp;H)：</translation>
    </message>
    <message>
        <source>Prices:</source>
        <translation>价格：</translation>
    </message>
    <message>
        <source>Give the profile a name.</source>
        <translation>请为此配置命名。</translation>
    </message>
    <message>
        <source>The CA bundle {path} does not exist.</source>
        <translation>CA 证书包 {path} 不存在。</translation>
    </message>
    <message>
        <source>Not tested: the key was not sent in clear text.</source>
        <translation>未测试：密钥没有以明文发送。</translation>
    </message>
    <message>
        <source>Choose a CA bundle</source>
        <translation>选择 CA 证书包</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <source>OpenAI-compatible gateway</source>
        <translation>兼容 OpenAI 的网关</translation>
    </message>
</context>
<context>
    <name>ProfilesTab</name>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>From preset</source>
        <translation>从预设添加</translation>
    </message>
    <message>
        <source>Add a profile from a preset</source>
        <translation>从预设添加配置</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Use for new chats</source>
        <translation>用于新对话</translation>
    </message>
    <message>
        <source>{name} (default)</source>
        <translation>{name}（默认）</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新配置</translation>
    </message>
    <message>
        <source>{name} copy</source>
        <translation>{name} 副本</translation>
    </message>
</context>
<context>
    <name>PromptPresetsDialog</name>
    <message>
        <source>Prompt presets</source>
        <translation>提示词预设</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Use for new chats</source>
        <translation>用于新对话</translation>
    </message>
    <message>
        <source>Preset name</source>
        <translation>预设名称</translation>
    </message>
    <message>
        <source>Preset text</source>
        <translation>预设内容</translation>
    </message>
    <message>
        <source>Instructions the model sees first</source>
        <translation>模型最先看到的指令</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Text:</source>
        <translation>内容(&amp;T)：</translation>
    </message>
    <message>
        <source>{name} (default)</source>
        <translation>{name}（默认）</translation>
    </message>
    <message>
        <source>Preset {n}</source>
        <translation>预设 {n}</translation>
    </message>
    <message>
        <source>Every preset needs a name.</source>
        <translation>每个预设都需要一个名称。</translation>
    </message>
    <message>
        <source>Two presets have the same name; rename one.</source>
        <translation>有两个预设同名，请重命名其中一个。</translation>
    </message>
</context>
<context>
    <name>RemoteImages</name>
    <message>
        <source>Not loaded: an answer keeps at most {limit} images.</source>
        <translation>未加载：一条回答最多保留 {limit} 张图片。</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>未加密的连接</translation>
    </message>
    <message>
        <source>This image comes unencrypted from {host}. Load it anyway?</source>
        <translation>这张图片将从 {host} 以未加密方式传来。仍要加载吗？</translation>
    </message>
    <message>
        <source>Anyone on the networks in between can see which image you load and change it. Nothing of yours is sent with it.</source>
        <translation>途经网络上的任何人都能看到你加载了哪张图片，并可篡改它。加载时不会发送你的任何信息。</translation>
    </message>
    <message>
        <source>Load anyway</source>
        <translation>仍然加载</translation>
    </message>
    <message>
        <source>Loading the image from {host}…</source>
        <translation>正在从 {host} 加载图片…</translation>
    </message>
    <message>
        <source>Image loaded.</source>
        <translation>图片已加载。</translation>
    </message>
    <message>
        <source>Image not loaded: {reason}.</source>
        <translation>图片未加载：{reason}。</translation>
    </message>
</context>
<context>
    <name>ServerEditor</name>
    <message>
        <source>Add a tools server</source>
        <translation>添加工具服务器</translation>
    </message>
    <message>
        <source>Edit tools server</source>
        <translation>编辑工具服务器</translation>
    </message>
    <message>
        <source>Program on this computer (stdio)</source>
        <translation>本机程序（stdio）</translation>
    </message>
    <message>
        <source>Streamable HTTP</source>
        <translation>Streamable HTTP</translation>
    </message>
    <message>
        <source>SSE (older HTTP transport)</source>
        <translation>SSE（较旧的 HTTP 传输）</translation>
    </message>
    <message>
        <source>One argument per line</source>
        <translation>每行一个参数</translation>
    </message>
    <message>
        <source>NAME=value, one per line</source>
        <translation>名称=值，每行一个</translation>
    </message>
    <message>
        <source>Your home folder</source>
        <translation>你的主文件夹</translation>
    </message>
    <message>
        <source>Name: value, one per line</source>
        <translation>每行一个，写法如 X-Name: value</translation>
    </message>
    <message>
        <source>Stored in the keyring (leave empty to keep it)</source>
        <translation>已存于钥匙串（留空则保留）</translation>
    </message>
    <message>
        <source>Optional; kept in the system keyring</source>
        <translation>可选；保存在系统钥匙串中</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境变量</translation>
    </message>
    <message>
        <source>Working folder</source>
        <translation>工作文件夹</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation>Bearer 令牌</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Give the server a name.</source>
        <translation>请为服务器命名。</translation>
    </message>
    <message>
        <source>Enter the command that starts the server.</source>
        <translation>请输入启动服务器的命令。</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, starting with https://.</source>
        <translation>请输入服务器地址，以 https:// 开头。</translation>
    </message>
    <message>
        <source>A field is far too long.</source>
        <translation>有一个字段过长。</translation>
    </message>
    <message>
        <source>Write each variable as NAME=value: {line}</source>
        <translation>每个变量请写成 名称=值：{line}</translation>
    </message>
    <message>
        <source>Write each header as Name: value: {line}</source>
        <translation>每个请求头请写成 X-Name: value 的形式：{line}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>New profile</source>
        <translation>新配置</translation>
    </message>
    <message>
        <source>Welcome to Nebula Desktop! Paste your ai-nebula API key (or choose another provider), then press Test connection.</source>
        <translation>欢迎使用 Nebula Desktop！粘贴你的 ai-nebula API 密钥（或选择其他服务商），然后点击“测试连接”。</translation>
    </message>
    <message>
        <source>Get started</source>
        <translation>开始使用</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Profiles</source>
        <translation>配置(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>常规(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Keep the key for this session only</source>
        <translation>仅在本次运行期间保留密钥</translation>
    </message>
    <message>
        <source>Give the profile a name.</source>
        <translation>请为此配置命名。</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}：{error}</translation>
    </message>
    <message>
        <source>Saving the key in the keyring…</source>
        <translation>正在将密钥保存到密钥环…</translation>
    </message>
    <message>
        <source>Settings saved, but the key was not: {error}</source>
        <translation>设置已保存，但密钥未保存：{error}</translation>
    </message>
    <message>
        <source>Settings saved, but the key could not be stored: {error}</source>
        <translation>设置已保存，但无法存储密钥：{error}</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Open the next chat in the list</source>
        <translation>打开列表中的下一个对话</translation>
    </message>
    <message>
        <source>Open the previous chat</source>
        <translation>打开上一个对话</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <source>Stop the answer (or cancel editing)</source>
        <translation>停止回答（或取消编辑）</translation>
    </message>
    <message>
        <source>Regenerate the last answer</source>
        <translation>重新生成上一条回答</translation>
    </message>
    <message>
        <source>Continue the last answer where it stopped</source>
        <translation>从中断处继续上一条回答</translation>
    </message>
    <message>
        <source>Edit your last message and send it again</source>
        <translation>编辑你的上一条消息并重新发送</translation>
    </message>
    <message>
        <source>Clear the context: what is above is no longer sent</source>
        <translation>清除上下文：之前的内容不再发送</translation>
    </message>
    <message>
        <source>Copy the last answer</source>
        <translation>复制上一条回答</translation>
    </message>
    <message>
        <source>Compare: ask 2–4 models at once (on / off)</source>
        <translation>对比：同时询问 2–4 个模型（开 / 关）</translation>
    </message>
    <message>
        <source>Go to the message box</source>
        <translation>转到输入框</translation>
    </message>
    <message>
        <source>Rename the selected chat</source>
        <translation>重命名所选对话</translation>
    </message>
    <message>
        <source>Delete the selected chat (with Undo)</source>
        <translation>删除所选对话（可撤销）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>SystemPromptDialog</name>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Use preset</source>
        <translation>使用预设</translation>
    </message>
    <message>
        <source>Manage presets…</source>
        <translation>管理预设…</translation>
    </message>
    <message>
        <source>Instructions the model sees before every message</source>
        <translation>模型在每条消息之前看到的指令</translation>
    </message>
    <message>
        <source>&amp;Use preset:</source>
        <translation>使用预设(&amp;U)：</translation>
    </message>
    <message>
        <source>Sent as the first message of every request in this chat:</source>
        <translation>在本对话的每次请求中作为第一条消息发送：</translation>
    </message>
    <message>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
    <message>
        <source>No presets</source>
        <translation>没有预设</translation>
    </message>
</context>
<context>
    <name>ToolCard</name>
    <message>
        <source>Tool arguments</source>
        <translation>工具参数</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>允许一次</translation>
    </message>
    <message>
        <source>Always allow this tool</source>
        <translation>始终允许此工具</translation>
    </message>
    <message>
        <source>Run this tool of this server without asking again (revocable in Settings → Tools)</source>
        <translation>以后运行此服务器的这个工具时不再询问（可在 设置 → 工具 中撤销）</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Do not run it; the model is told you refused</source>
        <translation>不运行；模型会被告知你拒绝了</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The model wants to run {tool} of “{server}”</source>
        <translation>模型想运行“{server}”的 {tool}</translation>
    </message>
    <message>
        <source>Nothing runs without your approval.</source>
        <translation>未经你的同意，什么都不会运行。</translation>
    </message>
    <message>
        <source>Call {n} of {count}.</source>
        <translation>第 {n} 个调用，共 {count} 个。</translation>
    </message>
</context>
<context>
    <name>ToolLoop</name>
    <message>
        <source>Starting the tools…</source>
        <translation>正在启动工具…</translation>
    </message>
    <message>
        <source>Running {tool} of “{server}”… (Stop ends it)</source>
        <translation>正在运行“{server}”的 {tool}…（“停止”可结束）</translation>
    </message>
</context>
<context>
    <name>ToolsTab</name>
    <message>
        <source>Tools servers</source>
        <translation>工具服务器</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import the mcpServers of a Claude Desktop or Cursor configuration file</source>
        <translation>导入 Claude Desktop 或 Cursor 配置文件中的 mcpServers</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Start the server as configured here and list its tools</source>
        <translation>按此处的配置启动服务器并列出其工具</translation>
    </message>
    <message>
        <source>Offer its tools in every chat</source>
        <translation>在所有对话中提供其工具</translation>
    </message>
    <message>
        <source>Offer its tools in this chat</source>
        <translation>在此对话中提供其工具</translation>
    </message>
    <message>
        <source>Tools that run without asking</source>
        <translation>无需询问即可运行的工具</translation>
    </message>
    <message>
        <source>Ask again</source>
        <translation>重新询问</translation>
    </message>
    <message>
        <source>Revoke “Always allow” for the chosen tool</source>
        <translation>撤销所选工具的“始终允许”</translation>
    </message>
    <message>
        <source>Tool rounds per answer</source>
        <translation>每个回答的工具轮数</translation>
    </message>
    <message>
        <source>Tools let the model read files, search or tell the time through MCP servers. Nothing runs without your approval.</source>
        <translation>工具让模型通过 MCP 服务器读取文件、搜索或报时。未经你的同意，什么都不会运行。</translation>
    </message>
    <message>
        <source>Tool rounds per answer, at most</source>
        <translation>每个回答最多的工具轮数</translation>
    </message>
    <message>
        <source>Always allowed:</source>
        <translation>始终允许：</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>未启动。</translation>
    </message>
    <message>
        <source>every chat</source>
        <translation>所有对话</translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s)</source>
        <translation>
            <numerusform>%n 个对话</numerusform>
        </translation>
    </message>
    <message>
        <source>{tool} of “{server}” asks again from the next call.</source>
        <translation>“{server}”的 {tool} 从下次调用起会重新询问。</translation>
    </message>
    <message>
        <source>Saving in the keyring…</source>
        <translation>正在保存到钥匙串…</translation>
    </message>
    <message numerus="yes">
        <source>%n secret(s) stored in the keyring.</source>
        <translation>
            <numerusform>已在钥匙串中保存 %n 个机密。</numerusform>
        </translation>
    </message>
    <message>
        <source>The secret was not stored: {error}</source>
        <translation>机密未能保存：{error}</translation>
    </message>
    <message>
        <source>Import MCP servers</source>
        <translation>导入 MCP 服务器</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON 文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message numerus="yes">
        <source>%n server(s) imported; enable them for the chats you choose.</source>
        <translation>
            <numerusform>已导入 %n 个服务器；请为你选择的对话启用它们。</numerusform>
        </translation>
    </message>
    <message>
        <source>Moved to the keyring: {items}</source>
        <translation>已移入钥匙串：{items}</translation>
    </message>
    <message>
        <source>Starting “{server}”…</source>
        <translation>正在启动“{server}”…</translation>
    </message>
    <message>
        <source>“{server}” did not start: {error}</source>
        <translation>“{server}”未能启动：{error}</translation>
    </message>
    <message>
        <source>“{server}” works: {tools}</source>
        <translation>“{server}”可用：{tools}</translation>
    </message>
    <message>
        <source>no tools</source>
        <translation>没有工具</translation>
    </message>
    <message>
        <source>“{server}” was not started: {error}</source>
        <translation>“{server}”未启动：{error}</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Chat deleted</source>
        <translation>已删除对话</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Bring the chat back (Ctrl+Z)</source>
        <translation>恢复该对话 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Chat deleted · “{title}”</source>
        <translation>已删除对话“{title}”</translation>
    </message>
    <message>
        <source>{count} chats deleted · last “{title}”</source>
        <translation>已删除 {count} 个对话 · 最后删除的是“{title}”</translation>
    </message>
</context>
</TS>
