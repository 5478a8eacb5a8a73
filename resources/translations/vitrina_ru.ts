<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Vitrina</source>
        <translation>О программе Vitrina</translation>
    </message>
</context>
<context>
    <name>BackgroundPanel</name>
    <message>
        <source>Colour…</source>
        <translation>Цвет…</translation>
    </message>
    <message>
        <source>Image…</source>
        <translation>Изображение…</translation>
    </message>
    <message>
        <source>mixed</source>
        <translation>разные</translation>
    </message>
    <message>
        <source>Photo&apos;s own size</source>
        <translation>Размер фото</translation>
    </message>
    <message>
        <source>Apply background to all photos</source>
        <translation>Применить фон ко всем фото</translation>
    </message>
    <message>
        <source>Use this background for every photo in the folder (asks before replacing a photo&apos;s own choice; each product keeps its canvas)</source>
        <translation>Этот фон для всех фото в папке (спросит, прежде чем заменить фон, выбранный для фото отдельно; холст у каждого товара остаётся своим)</translation>
    </message>
    <message>
        <source>Colour {0}</source>
        <translation>Цвет {0}</translation>
    </message>
    <message>
        <source>Image {0}</source>
        <translation>Изображение {0}</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>Фон</translation>
    </message>
    <message numerus="yes">
        <source>{0} for %n photo(s)</source>
        <translation>
            <numerusform>{0} для %n фото</numerusform>
            <numerusform>{0} для %n фото</numerusform>
            <numerusform>{0} для %n фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Shadow for %n photo(s)</source>
        <translation>
            <numerusform>Тень для %n фото</numerusform>
            <numerusform>Тень для %n фото</numerusform>
            <numerusform>Тень для %n фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Canvas {0} for %n product(s)</source>
        <translation>
            <numerusform>Холст {0} для %n товара</numerusform>
            <numerusform>Холст {0} для %n товаров</numerusform>
            <numerusform>Холст {0} для %n товаров</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{0} applied to %n photo(s)</source>
        <translation>
            <numerusform>{0}: применено к %n фото</numerusform>
            <numerusform>{0}: применено к %n фото</numerusform>
            <numerusform>{0}: применено к %n фото</numerusform>
        </translation>
    </message>
    <message>
        <source>Apply to all photos</source>
        <translation>Применить ко всем фото</translation>
    </message>
    <message>
        <source>Canvas:</source>
        <translation>Холст:</translation>
    </message>
    <message>
        <source>Select photos in the gallery to choose their background.</source>
        <translation>Выберите фото в галерее, чтобы задать им фон.</translation>
    </message>
    <message numerus="yes">
        <source>Applies to %n selected photo(s).</source>
        <translation>
            <numerusform>Применяется к %n выбранному фото.</numerusform>
            <numerusform>Применяется к %n выбранным фото.</numerusform>
            <numerusform>Применяется к %n выбранным фото.</numerusform>
        </translation>
    </message>
    <message>
        <source>{0} does not accept transparent images; choose a background.</source>
        <translation>{0} не принимает изображения с прозрачностью — выберите фон.</translation>
    </message>
    <message numerus="yes">
        <source>Replace the background of %n photo(s) that have their own choice?</source>
        <translation>
            <numerusform>Заменить фон у %n фото, для которого выбран свой?</numerusform>
            <numerusform>Заменить фон у %n фото, для которых выбран свой?</numerusform>
            <numerusform>Заменить фон у %n фото, для которых выбран свой?</numerusform>
        </translation>
    </message>
    <message>
        <source>Replace: every photo gets {0}. Keep their own: only the other photos get it. Either way, Edit → Undo takes it back.</source>
        <translation>Заменить: фон «{0}» получат все фото. Оставить свой: только остальные фото. В любом случае Правка → Отменить вернёт всё как было.</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Заменить</translation>
    </message>
    <message>
        <source>Keep their own</source>
        <translation>Оставить свой</translation>
    </message>
    <message>
        <source>Background colour</source>
        <translation>Цвет фона</translation>
    </message>
    <message>
        <source>Background image</source>
        <translation>Фоновое изображение</translation>
    </message>
    <message>
        <source>Images ({0})</source>
        <translation>Изображения ({0})</translation>
    </message>
</context>
<context>
    <name>BrushToolbar</name>
    <message>
        <source>Restore</source>
        <translation>Вернуть</translation>
    </message>
    <message>
        <source>Paint the product back in (X toggles)</source>
        <translation>Дорисовать товар обратно (X — переключить)</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Стереть</translation>
    </message>
    <message>
        <source>Paint the background away (X toggles)</source>
        <translation>Стереть фон кистью (X — переключить)</translation>
    </message>
    <message>
        <source>Brush size ([ and ] change it)</source>
        <translation>Размер кисти (меняется клавишами [ и ])</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>Edge hardness: 0 % soft, 100 % sharp</source>
        <translation>Жёсткость края: 0 % — мягкий, 100 % — резкий</translation>
    </message>
    <message>
        <source>Hardness</source>
        <translation>Жёсткость</translation>
    </message>
    <message>
        <source>Overlay</source>
        <translation>Подсветка</translation>
    </message>
    <message>
        <source>Tint the removed background</source>
        <translation>Подкрасить удалённый фон</translation>
    </message>
    <message>
        <source>Unsure edge</source>
        <translation>Сомнительный край</translation>
    </message>
    <message>
        <source>Highlight half-transparent pixels</source>
        <translation>Выделить полупрозрачные пиксели</translation>
    </message>
    <message numerus="yes">
        <source>%n px</source>
        <translation>
            <numerusform>%n пикс.</numerusform>
            <numerusform>%n пикс.</numerusform>
            <numerusform>%n пикс.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CardPanel</name>
    <message>
        <source>Product title</source>
        <translation>Название товара</translation>
    </message>
    <message>
        <source>Description for the marketplace</source>
        <translation>Описание для маркетплейса</translation>
    </message>
    <message>
        <source>Search words, separated by commas</source>
        <translation>Поисковые слова через запятую</translation>
    </message>
    <message>
        <source>What buyers type in the marketplace&apos;s search, e.g. “кружка, кружка для чая, керамика”</source>
        <translation>Что покупатели вводят в поиске маркетплейса, например «кружка, кружка для чая, керамика»</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Характеристика</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>Add attribute</source>
        <translation>Добавить характеристику</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Написать заново</translation>
    </message>
    <message>
        <source>Write this product&apos;s card text again with the text provider from Settings (asks before replacing your edits)</source>
        <translation>Заново написать текст карточки этого товара сервисом из настроек (перед заменой ваших правок спросит)</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Copy the title, description and attributes to the clipboard</source>
        <translation>Скопировать название, описание и характеристики в буфер обмена</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>Характеристики</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>Ключевые слова</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <source>Wildberries</source>
        <translation>Wildberries</translation>
    </message>
    <message numerus="yes">
        <source>%n thing(s) would block publishing</source>
        <translation>
            <numerusform>%n препятствие для публикации</numerusform>
            <numerusform>%n препятствия для публикации</numerusform>
            <numerusform>%n препятствий для публикации</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a photo to edit its product&apos;s card text.</source>
        <translation>Выберите фото, чтобы править текст карточки его товара.</translation>
    </message>
    <message>
        <source>edited by you</source>
        <translation>изменён вами</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>написан автоматически</translation>
    </message>
    <message>
        <source>no text yet</source>
        <translation>текста пока нет</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; · limits of {1} · {2}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · ограничения площадки {1} · {2}</translation>
    </message>
    <message>
        <source>Card text of {0}</source>
        <translation>Текст карточки: {0}</translation>
    </message>
    <message>
        <source>{0} allows at most {1} characters</source>
        <translation>{0}: не больше {1} символов</translation>
    </message>
    <message>
        <source>{0} wants {1}–{2} characters</source>
        <translation>{0}: нужно {1}–{2} символов</translation>
    </message>
    <message numerus="yes">
        <source>%n keyword(s)</source>
        <translation>
            <numerusform>%n ключевое слово</numerusform>
            <numerusform>%n ключевых слова</numerusform>
            <numerusform>%n ключевых слов</numerusform>
        </translation>
    </message>
    <message>
        <source>{0} does not allow promo words in keywords: {1}</source>
        <translation>{0} не допускает рекламных слов в ключевых словах: {1}</translation>
    </message>
    <message>
        <source>{0} does not allow emoji in keywords: {1}</source>
        <translation>{0} не допускает эмодзи в ключевых словах: {1}</translation>
    </message>
</context>
<context>
    <name>CardTextRun</name>
    <message>
        <source>Card text is off: choose a text provider (GigaChat or local) in Settings.</source>
        <translation>Текст карточек отключён: выберите, кто его пишет (GigaChat или локальная модель), в Настройках.</translation>
    </message>
    <message>
        <source>Writing card text</source>
        <translation>Пишется текст карточек</translation>
    </message>
    <message>
        <source>cards</source>
        <translation>карточки</translation>
    </message>
    <message>
        <source>Regenerate the card text</source>
        <translation>Написать текст карточки заново</translation>
    </message>
    <message>
        <source>You edited this card. Replace your text with a newly written one?</source>
        <translation>Вы правили эту карточку. Заменить ваш текст новым?</translation>
    </message>
    <message>
        <source>Downloading the describer</source>
        <translation>Скачивание модели описания</translation>
    </message>
    <message>
        <source>Wrote {0} card(s), {1} failed, {2} kept as they were.</source>
        <translation>Написано карточек: {0}, с ошибкой: {1}, оставлено как было: {2}.</translation>
    </message>
    <message>
        <source>Stopped. </source>
        <translation>Остановлено. </translation>
    </message>
</context>
<context>
    <name>ChoiceHistory</name>
    <message>
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Take back what was just done (Ctrl+Z)</source>
        <translation>Отменить только что сделанное (Ctrl+Z)</translation>
    </message>
    <message>
        <source>the last choice</source>
        <translation>последний выбор</translation>
    </message>
    <message>
        <source>{0} — Ctrl+Z undoes it</source>
        <translation>{0} — Ctrl+Z отменит</translation>
    </message>
    <message>
        <source>Undone: {0}</source>
        <translation>Отменено: {0}</translation>
    </message>
    <message>
        <source>Redone: {0}</source>
        <translation>Повторено: {0}</translation>
    </message>
    <message numerus="yes">
        <source>(%n change(s) made since were left as they are)</source>
        <translation>
            <numerusform>(%n изменение, сделанное позже, оставлено как есть)</numerusform>
            <numerusform>(%n изменения, сделанные позже, оставлены как есть)</numerusform>
            <numerusform>(%n изменений, сделанных позже, оставлены как есть)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message>
        <source>The connection test failed unexpectedly; the log has the details.</source>
        <translation>Проверка подключения не удалась из-за непредвиденной ошибки; подробности — в журнале.</translation>
    </message>
</context>
<context>
    <name>CrashReporter</name>
    <message>
        <source>Where: {0}</source>
        <translation>Где: {0}</translation>
    </message>
    <message>
        <source>Your work is kept: masks, edits and choices are saved the moment you make them. You can go on working; if something looks wrong, reopen the folder.</source>
        <translation>Ваша работа не потеряна: маски, правки и настройки сохраняются сразу. Можно продолжать; если что-то выглядит не так, откройте папку заново.</translation>
    </message>
    <message>
        <source>Details are in the log file: {0}</source>
        <translation>Подробности — в журнале: {0}</translation>
    </message>
    <message numerus="yes">
        <source>%n more error(s) since this one (see the log).</source>
        <translation>
            <numerusform>После неё — ещё %n ошибка (см. журнал).</numerusform>
            <numerusform>После неё — ещё %n ошибки (см. журнал).</numerusform>
            <numerusform>После неё — ещё %n ошибок (см. журнал).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsButton</name>
    <message>
        <source>Details…</source>
        <translation>Подробности…</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
</context>
<context>
    <name>DoctorDialog</name>
    <message>
        <source>Check this computer</source>
        <translation>Проверка компьютера</translation>
    </message>
    <message>
        <source>Checking the GPU, libraries, models, Qt, password store and folders…</source>
        <translation>Проверяем видеокарту, библиотеки, модели, Qt, хранилище паролей и папки…</translation>
    </message>
    <message>
        <source>Copy the report</source>
        <translation>Скопировать отчёт</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) stop Vitrina from working fully: see what to do below.</source>
        <translation>
            <numerusform>%n проблема мешает Vitrina работать полностью: что делать — ниже.</numerusform>
            <numerusform>%n проблемы мешают Vitrina работать полностью: что делать — ниже.</numerusform>
            <numerusform>%n проблем мешают Vitrina работать полностью: что делать — ниже.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Vitrina works; %n thing(s) could be better.</source>
        <translation>
            <numerusform>Vitrina работает; замечаний: %n.</numerusform>
            <numerusform>Vitrina работает; замечаний: %n.</numerusform>
            <numerusform>Vitrina работает; замечаний: %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>Everything Vitrina needs is in order.</source>
        <translation>Всё, что нужно Vitrina, в порядке.</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Vitrina: unexpected error</source>
        <translation>Vitrina: непредвиденная ошибка</translation>
    </message>
    <message>
        <source>Something went wrong: {0}</source>
        <translation>Что-то пошло не так: {0}</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Открыть папку журнала</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export card bundles</source>
        <translation>Экспорт комплектов карточек</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <source>Replace bundles that are already there (they are made again from your saved masks, backgrounds and text)</source>
        <translation>Заменять уже существующие комплекты (они собираются заново из сохранённых масок, фонов и текста)</translation>
    </message>
    <message>
        <source>Fix what the marketplace would refuse (size, transparency, file size); changes are listed in compliance.json</source>
        <translation>Исправлять то, что маркетплейс не примет (размер, прозрачность, объём файла); изменения записываются в compliance.json</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>Все товары</translation>
    </message>
    <message>
        <source>Approved products only</source>
        <translation>Только одобренные товары</translation>
    </message>
    <message>
        <source>Selected products</source>
        <translation>Выбранные товары</translation>
    </message>
    <message>
        <source>Approved: every photo of the product flagged (P / X), at least one approved. Selected: the products of the photos selected in the gallery. Rejected photos are never exported.</source>
        <translation>Одобренные: у товара отмечены все фото (P / X), хотя бы одно одобрено. Выбранные: товары фото, выбранных в галерее. Отклонённые фото не экспортируются никогда.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспортировать</translation>
    </message>
    <message>
        <source>One folder per product, with report.csv and manifest.csv beside them, goes into:</source>
        <translation>По папке на товар, рядом report.csv и manifest.csv — сохраняются в:</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>Экспортировать:</translation>
    </message>
    <message>
        <source>{0} cards</source>
        <translation>{0} — карточки</translation>
    </message>
    <message>
        <source>Export the card bundles into…</source>
        <translation>Экспортировать комплекты карточек в…</translation>
    </message>
    <message>
        <source>Choose a folder.</source>
        <translation>Выберите папку.</translation>
    </message>
    <message>
        <source>Give the full path of the folder.</source>
        <translation>Укажите полный путь к папке.</translation>
    </message>
    <message>
        <source>{0} does not exist (is the disk connected?). Choose another place.</source>
        <translation>Папки {0} нет (диск подключён?). Выберите другое место.</translation>
    </message>
    <message>
        <source>Choose a folder outside the photo folder: bundles there would be read as new photos next time.</source>
        <translation>Выберите папку вне папки с фото: иначе комплекты в следующий раз будут прочитаны как новые фото.</translation>
    </message>
    <message>
        <source>No product is approved yet: approve its photos with P (every photo flagged, at least one approved).</source>
        <translation>Пока нет одобренных товаров: одобрите их фото клавишей P (все фото отмечены, хотя бы одно одобрено).</translation>
    </message>
    <message>
        <source>No processed product is selected: select photos in the gallery first.</source>
        <translation>Не выбран ни один обработанный товар: сначала выберите фото в галерее.</translation>
    </message>
    <message>
        <source>Nothing to export yet: process the photos first.</source>
        <translation>Пока нечего экспортировать: сначала обработайте фото.</translation>
    </message>
</context>
<context>
    <name>ExportDone</name>
    <message>
        <source>Export finished</source>
        <translation>Экспорт завершён</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Копировать путь</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>The bundles are in:</source>
        <translation>Карточки сохранены в папке:</translation>
    </message>
    <message>
        <source>No file manager was found to open the folder. Open it yourself: its path is above (Copy path puts it on the clipboard).</source>
        <translation>Не найден файловый менеджер, чтобы открыть папку. Откройте её сами: путь указан выше («Копировать путь» помещает его в буфер обмена).</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
</context>
<context>
    <name>ExportRun</name>
    <message numerus="yes">
        <source>%n product(s) with every processed photo rejected</source>
        <translation>
            <numerusform>%n товар, у которого отклонены все обработанные фото</numerusform>
            <numerusform>%n товара, у которых отклонены все обработанные фото</numerusform>
            <numerusform>%n товаров, у которых отклонены все обработанные фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n product(s) not approved yet</source>
        <translation>
            <numerusform>%n товар ещё не одобрен</numerusform>
            <numerusform>%n товара ещё не одобрены</numerusform>
            <numerusform>%n товаров ещё не одобрены</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n product(s) not selected</source>
        <translation>
            <numerusform>%n товар не выбран</numerusform>
            <numerusform>%n товара не выбраны</numerusform>
            <numerusform>%n товаров не выбраны</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing exported: no product is approved yet (approve every photo of a product with P or reject it with X), or choose All products in Export to…</source>
        <translation>Ничего не экспортировано: пока нет одобренных товаров (одобрите каждое фото товара клавишей P или отклоните клавишей X) или выберите «Все товары» в окне «Экспорт в…»</translation>
    </message>
    <message>
        <source>Nothing exported: no processed product is selected in the gallery.</source>
        <translation>Ничего не экспортировано: в галерее не выбран ни один обработанный товар.</translation>
    </message>
    <message>
        <source>Nothing to export yet: process the photos first.</source>
        <translation>Экспортировать пока нечего: сначала обработайте фото.</translation>
    </message>
    <message>
        <source>Left out: {0}</source>
        <translation>Пропущено: {0}</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <source>products</source>
        <translation>товара</translation>
    </message>
    <message>
        <source>Exported {0} product(s); {1} photo(s) failed (see the log).</source>
        <translation>Экспортировано товаров: {0}; фото с ошибкой: {1} (см. журнал).</translation>
    </message>
    <message>
        <source>{0} bundle(s) were already there and kept.</source>
        <translation>Уже существовавших и сохранённых комплектов: {0}.</translation>
    </message>
    <message>
        <source>Left out: {0}.</source>
        <translation>Пропущено: {0}.</translation>
    </message>
    <message>
        <source>Stopped. </source>
        <translation>Остановлено. </translation>
    </message>
</context>
<context>
    <name>FinetuneDialog</name>
    <message>
        <source>Improve the model from my corrections — {0}</source>
        <translation>Улучшить модель по моим исправлениям — {0}</translation>
    </message>
    <message>
        <source>Vitrina trains the cut-out model further on the masks you corrected with the brush, on this computer. The photos of a few products are held out to compare the new model with the current one; the current model itself is never changed.</source>
        <translation>Vitrina дообучает модель вырезания на масках, которые вы исправили кистью, прямо на этом компьютере. Фото нескольких товаров откладываются, чтобы сравнить новую модель с текущей; сама текущая модель не меняется.</translation>
    </message>
    <message>
        <source>Looking for the masks you corrected…</source>
        <translation>Ищу маски, которые вы исправили…</translation>
    </message>
    <message>
        <source>Passes over the training photos. Training stops early when the held-out photos stop getting better, and keeps the best epoch.</source>
        <translation>Сколько раз пройти по фото для обучения. Обучение останавливается досрочно, когда на отложенных фото перестаёт становиться лучше, и сохраняет лучшую эпоху.</translation>
    </message>
    <message>
        <source>A rough figure for this computer; once training runs, the time left is measured</source>
        <translation>Грубая оценка для этого компьютера; когда обучение пойдёт, оставшееся время будет измеряться</translation>
    </message>
    <message>
        <source>The new model is written here as a model folder of its own</source>
        <translation>Новая модель записывается сюда, в отдельную папку модели</translation>
    </message>
    <message>
        <source>Corrected photos:</source>
        <translation>Исправленные фото:</translation>
    </message>
    <message>
        <source>Current model:</source>
        <translation>Текущая модель:</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>Эпохи:</translation>
    </message>
    <message>
        <source>Estimated time:</source>
        <translation>Примерное время:</translation>
    </message>
    <message>
        <source>New model folder:</source>
        <translation>Папка новой модели:</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Обучение</translation>
    </message>
    <message>
        <source>Result on the held-out photos</source>
        <translation>Результат на отложенных фото</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Фото</translation>
    </message>
    <message>
        <source>IoU before</source>
        <translation>IoU до</translation>
    </message>
    <message>
        <source>IoU after</source>
        <translation>IoU после</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Изменение</translation>
    </message>
    <message>
        <source>Boundary F before</source>
        <translation>Точность границ до</translation>
    </message>
    <message>
        <source>Boundary F after</source>
        <translation>Точность границ после</translation>
    </message>
    <message>
        <source>IoU: how much of the product the mask covers without spilling over (100 % is a perfect mask). Boundary F: how closely its edge follows the product&apos;s, within 3 pixels. Worst change first.</source>
        <translation>IoU: насколько маска покрывает товар, не выходя за его края (100&#xa0;% — идеальная маска). Точность границ: насколько край маски совпадает с краем товара, с допуском 3&#xa0;пикселя. Сверху — фото, которым стало хуже всего.</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Начать обучение</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>Stop after the current step; the best epoch so far is kept, and the training can be continued</source>
        <translation>Остановить после текущего шага; лучшая на сейчас эпоха сохранится, и обучение можно будет продолжить</translation>
    </message>
    <message>
        <source>Close this window. A training in progress is stopped: the best epoch so far is kept, and it can be continued next time.</source>
        <translation>Закрыть окно. Идущее обучение остановится: лучшая на сейчас эпоха сохранится, и в следующий раз обучение можно будет продолжить.</translation>
    </message>
    <message>
        <source>An earlier training on this folder was stopped before the end: “Continue training” carries on from where it stopped.</source>
        <translation>Прежнее обучение на этой папке остановили до конца: «Продолжить обучение» продолжит его с того же места.</translation>
    </message>
    <message>
        <source>Stopped before the first epoch ended, so no model was written yet. “Continue training” carries on from the last step.</source>
        <translation>Остановлено до конца первой эпохи, поэтому модель ещё не записана. «Продолжить обучение» продолжит с последнего шага.</translation>
    </message>
    <message>
        <source>Stopped before the end. The best epoch so far ({0}) is saved as the new model; “Continue training” carries on.</source>
        <translation>Остановлено до конца. Лучшая на сейчас эпоха ({0}) сохранена как новая модель; «Продолжить обучение» продолжит обучение.</translation>
    </message>
    <message>
        <source>{0}&#xa0;pts</source>
        <translation>{0}&#xa0;п.&#xa0;п.</translation>
    </message>
    <message>
        <source>Use the new model</source>
        <translation>Использовать новую модель</translation>
    </message>
    <message>
        <source>Make the new model the cut-out model for the next runs</source>
        <translation>Сделать новую модель моделью вырезания для следующих запусков</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>The corrections cannot be read: {0}</source>
        <translation>Не удаётся прочитать исправления: {0}</translation>
    </message>
    <message numerus="yes">
        <source>%n usable</source>
        <translation>
            <numerusform>%n подходит</numerusform>
            <numerusform>%n подходят</numerusform>
            <numerusform>%n подходят</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>of %n product(s)</source>
        <translation>
            <numerusform>из %n товара</numerusform>
            <numerusform>из %n товаров</numerusform>
            <numerusform>из %n товаров</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n corrected photo(s) left out, and why</source>
        <translation>
            <numerusform>%n исправленное фото не подошло — почему</numerusform>
            <numerusform>%n исправленных фото не подошли — почему</numerusform>
            <numerusform>%n исправленных фото не подошли — почему</numerusform>
        </translation>
    </message>
    <message>
        <source>about {0} on the GPU</source>
        <translation>около {0} на GPU</translation>
    </message>
    <message>
        <source>about {0} on the CPU</source>
        <translation>около {0} на CPU</translation>
    </message>
    <message>
        <source>Nothing can be trained until the folder&apos;s corrections can be read.</source>
        <translation>Обучать не на чем, пока исправления в папке не удаётся прочитать.</translation>
    </message>
    <message>
        <source>Training needs at least {0} corrected photos; this folder has {1}. Correct the masks of more photos with the brush in the Mask tab, then open this window again.</source>
        <translation>Для обучения нужно хотя бы {0} исправленных фото, а в этой папке подходят {1}. Исправьте кистью на вкладке «Маска» маски ещё нескольких фото и откройте это окно снова.</translation>
    </message>
    <message>
        <source>All the corrected photos are of one product. Correct photos of at least two products: the new model is checked on products it did not learn from.</source>
        <translation>Все исправленные фото — одного товара. Исправьте фото хотя бы двух товаров: новую модель проверяют на товарах, на которых она не училась.</translation>
    </message>
    <message>
        <source>The current model {0} is not on this computer yet: process a photo with it first (it is downloaded then), or choose another model in the toolbar.</source>
        <translation>Текущей модели {0} ещё нет на этом компьютере: сначала обработайте с ней какое-нибудь фото (тогда она скачается) или выберите другую модель на панели инструментов.</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>Продолжить обучение</translation>
    </message>
    <message>
        <source>Another task is running. Wait for it to end (or cancel it), then start.</source>
        <translation>Идёт другая задача. Дождитесь её окончания (или отмените её) и начните снова.</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Загружаю модель…</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Останавливаю после текущего шага…</translation>
    </message>
    <message>
        <source>Preparing the photos: {0} of {1}</source>
        <translation>Готовлю фото: {0} из {1}</translation>
    </message>
    <message>
        <source>Measuring the current model on the held-out photos…</source>
        <translation>Проверяю текущую модель на отложенных фото…</translation>
    </message>
    <message>
        <source>Epoch {0} of {1}</source>
        <translation>Эпоха {0} из {1}</translation>
    </message>
    <message>
        <source>loss {0}</source>
        <translation>ошибка {0}</translation>
    </message>
    <message>
        <source>validation IoU {0}</source>
        <translation>IoU на проверке {0}</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>осталось {0}</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>Обучение не удалось.</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>Обучение не удалось: {0}</translation>
    </message>
    <message>
        <source>The improved cut-out model is in {0}</source>
        <translation>Улучшенная модель вырезания записана в {0}</translation>
    </message>
    <message>
        <source>Stopped at epoch {0} of {1}.</source>
        <translation>Остановлено на эпохе {0} из {1}.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Остановлено.</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Готово.</translation>
    </message>
    <message>
        <source>Training finished. The new model is epoch {0}, the best on the held-out photos.</source>
        <translation>Обучение закончено. Новая модель — эпоха {0}, лучшая на отложенных фото.</translation>
    </message>
    <message>
        <source>Training stopped early: the held-out photos stopped getting better. The new model is epoch {0}, the best on them.</source>
        <translation>Обучение остановилось досрочно: на отложенных фото перестало становиться лучше. Новая модель — эпоха {0}, лучшая на них.</translation>
    </message>
    <message>
        <source>⚠ Warning: the new model cuts out the held-out photos worse than the current one. Keep the current model, or correct more photos and train again.</source>
        <translation>⚠ Внимание: новая модель вырезает отложенные фото хуже текущей. Оставьте текущую модель или исправьте больше фото и обучите снова.</translation>
    </message>
    <message numerus="yes">
        <source>⚠ %n held-out photo(s) are cut out worse than before: see the first rows.</source>
        <translation>
            <numerusform>⚠ %n отложенное фото вырезано хуже, чем раньше: см. первые строки.</numerusform>
            <numerusform>⚠ %n отложенных фото вырезаны хуже, чем раньше: см. первые строки.</numerusform>
            <numerusform>⚠ %n отложенных фото вырезаны хуже, чем раньше: см. первые строки.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Overall on %n held-out photo(s): IoU {0} → {1} ({2}), boundary F {3} → {4} ({5}).</source>
        <translation>
            <numerusform>В целом на %n отложенном фото: IoU {0} → {1} ({2}), точность границ {3} → {4} ({5}).</numerusform>
            <numerusform>В целом на %n отложенных фото: IoU {0} → {1} ({2}), точность границ {3} → {4} ({5}).</numerusform>
            <numerusform>В целом на %n отложенных фото: IoU {0} → {1} ({2}), точность границ {3} → {4} ({5}).</numerusform>
        </translation>
    </message>
    <message>
        <source>The new model is now the cut-out model for the next runs.</source>
        <translation>Теперь новая модель — модель вырезания для следующих запусков.</translation>
    </message>
</context>
<context>
    <name>Flagging</name>
    <message>
        <source>Select the photos to flag first.</source>
        <translation>Сначала выберите фото, которые нужно отметить.</translation>
    </message>
    <message>
        <source>Select 2 to 4 photos to compare them side by side.</source>
        <translation>Выберите от 2 до 4 фото, чтобы сравнить их рядом.</translation>
    </message>
    <message numerus="yes">
        <source>Showing the first {0} of %n selected photos.</source>
        <translation>
            <numerusform>Показаны первые {0} из %n выбранного фото.</numerusform>
            <numerusform>Показаны первые {0} из %n выбранных фото.</numerusform>
            <numerusform>Показаны первые {0} из %n выбранных фото.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Approved %n photo(s)</source>
        <translation>
            <numerusform>Одобрено %n фото</numerusform>
            <numerusform>Одобрено %n фото</numerusform>
            <numerusform>Одобрено %n фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rejected %n photo(s)</source>
        <translation>
            <numerusform>Отклонено %n фото</numerusform>
            <numerusform>Отклонено %n фото</numerusform>
            <numerusform>Отклонено %n фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Flag cleared on %n photo(s)</source>
        <translation>
            <numerusform>Отметка снята с %n фото</numerusform>
            <numerusform>Отметка снята с %n фото</numerusform>
            <numerusform>Отметка снята с %n фото</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GalleryPane</name>
    <message>
        <source>Show only the photos with this status</source>
        <translation>Показывать только фото с этим состоянием</translation>
    </message>
    <message>
        <source>All photos</source>
        <translation>Все фото</translation>
    </message>
    <message>
        <source>Not processed</source>
        <translation>Не обработаны</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Готовы</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Исправлены</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>Нужна проверка</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Ошибки</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Одобренные</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Отклонённые</translation>
    </message>
    <message>
        <source>Unflagged</source>
        <translation>Без отметки</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Показать:</translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>показано %n</numerusform>
            <numerusform>показано %n</numerusform>
            <numerusform>показано %n</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GigaChatPage</name>
    <message>
        <source>The card&apos;s title, description and attributes are written in Russian by GigaChat, Sber&apos;s language model, under your own account (a personal account has a free monthly allowance).</source>
        <translation>Название, описание и характеристики карточки пишет по-русски GigaChat — языковая модель Сбера — от имени вашей учётной записи (у физлиц есть бесплатный ежемесячный лимит).</translation>
    </message>
    <message>
        <source>How to get a key: open &lt;a href=&quot;{0}&quot;&gt;developers.sber.ru → GigaChat API&lt;/a&gt; and sign in with Sber ID; create a project for individuals (GIGACHAT_API_PERS); in the project press “Get key” and copy the &lt;b&gt;Authorization key&lt;/b&gt;.</source>
        <translation>Как получить ключ: откройте &lt;a href=&quot;{0}&quot;&gt;developers.sber.ru → GigaChat API&lt;/a&gt; и войдите по Сбер ID; создайте проект для физлиц (GIGACHAT_API_PERS); в проекте нажмите «Получить ключ» и скопируйте &lt;b&gt;ключ авторизации&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>Use GigaChat with this key</source>
        <translation>Использовать GigaChat с этим ключом</translation>
    </message>
    <message>
        <source>Skip — write the text with the local model {0} on this computer (slower; {1} to download)</source>
        <translation>Пропустить — писать текст локальной моделью {0} на этом компьютере (медленнее; скачивание {1})</translation>
    </message>
    <message>
        <source>Skip — no card text for now (add a key later in Settings)</source>
        <translation>Пропустить — пока без текста карточек (ключ можно добавить позже в настройках)</translation>
    </message>
    <message>
        <source>paste the Authorization key here</source>
        <translation>вставьте сюда ключ авторизации</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Authorization key:</source>
        <translation>Ключ авторизации:</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>Тип доступа:</translation>
    </message>
    <message>
        <source>a key is stored in the system keyring; paste a new one to replace it</source>
        <translation>ключ сохранён в системном хранилище; вставьте новый, чтобы заменить</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Connected. Models: {0}</source>
        <translation>Подключено. Модели: {0}</translation>
    </message>
    <message>
        <source>Paste the key first, or choose one of the “Skip” options.</source>
        <translation>Сначала вставьте ключ или выберите один из вариантов «Пропустить».</translation>
    </message>
</context>
<context>
    <name>GigaChatScope</name>
    <message>
        <source>Individual</source>
        <translation>Физлицо</translation>
    </message>
    <message>
        <source>Sole trader or company: prepaid packages</source>
        <translation>ИП и юрлицо: пакеты по предоплате</translation>
    </message>
    <message>
        <source>Sole trader or company: pay as you go</source>
        <translation>ИП и юрлицо: оплата по факту</translation>
    </message>
</context>
<context>
    <name>HardwareBox</name>
    <message>
        <source>This computer</source>
        <translation>Этот компьютер</translation>
    </message>
    <message>
        <source>Checking the graphics card…</source>
        <translation>Проверяем видеокарту…</translation>
    </message>
    <message>
        <source>Graphics card: {0}, {1}&#xa0;GB of video memory.</source>
        <translation>Видеокарта: {0}, видеопамять {1}&#xa0;ГБ.</translation>
    </message>
    <message>
        <source>Cutting out takes a fraction of a second per photo.</source>
        <translation>Вырезание займёт доли секунды на фото.</translation>
    </message>
    <message>
        <source>The card has little memory, so the lighter models are used; cutting out still takes well under a second per photo.</source>
        <translation>Памяти у видеокарты немного, поэтому выбраны облегчённые модели; вырезание всё равно займёт меньше секунды на фото.</translation>
    </message>
    <message>
        <source>No usable NVIDIA graphics card found ({0}).</source>
        <translation>Подходящая видеокарта NVIDIA не найдена ({0}).</translation>
    </message>
    <message>
        <source>No NVIDIA graphics card found.</source>
        <translation>Видеокарта NVIDIA не найдена.</translation>
    </message>
    <message>
        <source>Vitrina will run on the processor ({0} cores).</source>
        <translation>Vitrina будет работать на процессоре (ядер: {0}).</translation>
    </message>
    <message>
        <source>That is slow: about {0} per photo with the light model ({1} with the full one), so 100 photos take about {2}.</source>
        <translation>Это медленно: около {0} на фото с облегчённой моделью ({1} с полной), то есть 100 фото — примерно {2}.</translation>
    </message>
    <message>
        <source>Picked for this computer: {0} to cut out, {1} to describe.</source>
        <translation>Выбрано для этого компьютера: {0} для вырезания, {1} для описания.</translation>
    </message>
    <message>
        <source>Models you chose yourself are kept.</source>
        <translation>Модели, выбранные вами, сохранены.</translation>
    </message>
    <message>
        <source>Change them any time in Settings.</source>
        <translation>Изменить их можно в любой момент в настройках.</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <source>Before</source>
        <translation>До</translation>
    </message>
    <message>
        <source>After</source>
        <translation>После</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Log</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Очистить</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Preview</source>
        <translation>Просмотр</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>Фон</translation>
    </message>
    <message>
        <source>Card text</source>
        <translation>Текст карточки</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Маска</translation>
    </message>
    <message>
        <source>Survey</source>
        <translation>Сравнение</translation>
    </message>
    <message>
        <source>{0} is already open.</source>
        <translation>{0} уже открыта.</translation>
    </message>
    <message>
        <source>Wait for the current task to finish (or cancel it).</source>
        <translation>Дождитесь окончания текущей задачи (или отмените её).</translation>
    </message>
    <message>
        <source>Folder in use</source>
        <translation>Папка занята</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) in {0}</source>
        <translation>
            <numerusform>%n фото в {0}</numerusform>
            <numerusform>%n фото в {0}</numerusform>
            <numerusform>%n фото в {0}</numerusform>
        </translation>
    </message>
    <message>
        <source>No photos in {0}. Copy photos there (JPEG, PNG, WebP, HEIC…) or open another folder.</source>
        <translation>В папке {0} нет фото. Скопируйте туда фото (JPEG, PNG, WebP, HEIC…) или откройте другую папку.</translation>
    </message>
    <message>
        <source>Open a folder of product photos</source>
        <translation>Открыть папку с фото товаров</translation>
    </message>
    <message>
        <source>Stopping the task, then closing…</source>
        <translation>Останавливаем задачу, затем закроемся…</translation>
    </message>
</context>
<context>
    <name>MaskCanvas</name>
    <message>
        <source>No photo selected</source>
        <translation>Фото не выбрано</translation>
    </message>
</context>
<context>
    <name>MaskEditor</name>
    <message>
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Сбросить</translation>
    </message>
    <message>
        <source>Reset to the model&apos;s mask (undoable)</source>
        <translation>Вернуть маску модели (можно отменить)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Вписать</translation>
    </message>
    <message>
        <source>Smaller brush</source>
        <translation>Кисть меньше</translation>
    </message>
    <message>
        <source>Larger brush</source>
        <translation>Кисть больше</translation>
    </message>
    <message>
        <source>Restore / erase</source>
        <translation>Вернуть / стереть</translation>
    </message>
</context>
<context>
    <name>MaskTab</name>
    <message>
        <source>Process this photo first</source>
        <translation>Сначала обработайте это фото</translation>
    </message>
    <message>
        <source>Cannot edit this mask: {0}</source>
        <translation>Эту маску нельзя править: {0}</translation>
    </message>
</context>
<context>
    <name>ModelKeeping</name>
    <message>
        <source>Models stay loaded between tasks so the next Process or card text starts at once; they are released after the time set in Settings</source>
        <translation>Модели остаются загруженными между задачами, чтобы следующая обработка или текст карточки начинались сразу; память освобождается через время, заданное в настройках</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>Модели не загружены</translation>
    </message>
    <message>
        <source>Loaded: {0}</source>
        <translation>Загружены: {0}</translation>
    </message>
    <message>
        <source>GPU memory in use: {0}</source>
        <translation>Занято памяти видеокарты: {0}</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Segmentation model (hub models download on first use)</source>
        <translation>Модель вырезания (модели с Hugging Face скачиваются при первом использовании)</translation>
    </message>
    <message>
        <source>Folder: {0}</source>
        <translation>Папка: {0}</translation>
    </message>
    <message>
        <source>Choose a model folder…</source>
        <translation>Выбрать папку модели…</translation>
    </message>
    <message>
        <source>Model folder (config.json, model.safetensors)</source>
        <translation>Папка модели (config.json, model.safetensors)</translation>
    </message>
</context>
<context>
    <name>ModelRow</name>
    <message>
        <source>Cut-out model</source>
        <translation>Модель вырезания</translation>
    </message>
    <message>
        <source>Describer</source>
        <translation>Модель описания</translation>
    </message>
    <message>
        <source>Local card writer (optional)</source>
        <translation>Локальный автор текста (по желанию)</translation>
    </message>
    <message>
        <source>separates the product from the background</source>
        <translation>отделяет товар от фона</translation>
    </message>
    <message>
        <source>looks at the photos to write the card text</source>
        <translation>смотрит на фото, чтобы написать текст карточки</translation>
    </message>
    <message>
        <source>writes the card text on this computer, without GigaChat</source>
        <translation>пишет текст карточки на этом компьютере, без GigaChat</translation>
    </message>
    <message>
        <source>folder {0}</source>
        <translation>папка {0}</translation>
    </message>
    <message>
        <source>On disk (your folder)</source>
        <translation>На диске (ваша папка)</translation>
    </message>
    <message>
        <source>Same files as the describer</source>
        <translation>Те же файлы, что у модели описания</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>Скачана</translation>
    </message>
    <message>
        <source>Not downloaded</source>
        <translation>Не скачана</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>осталось {0}</translation>
    </message>
</context>
<context>
    <name>ModelSetupDialog</name>
    <message>
        <source>The cut-out model is needed</source>
        <translation>Нужна модель вырезания</translation>
    </message>
    <message>
        <source>&lt;b&gt;The cut-out model {0} is not on this computer yet.&lt;/b&gt; Download it once (it is kept for every later run), or choose a folder with its files. Processing starts as soon as it is there.</source>
        <translation>&lt;b&gt;Модели вырезания {0} ещё нет на этом компьютере.&lt;/b&gt; Скачайте её один раз (она сохранится для всех следующих запусков) или выберите папку с её файлами. Обработка начнётся, как только модель будет на месте.</translation>
    </message>
</context>
<context>
    <name>ModelUpdatesDialog</name>
    <message>
        <source>Model updates</source>
        <translation>Обновления моделей</translation>
    </message>
    <message>
        <source>Asking the hub about the models you accepted…</source>
        <translation>Спрашиваю Hugging Face о принятых вами моделях…</translation>
    </message>
    <message>
        <source>No model was pinned on first use: the models in use are pinned in Vitrina itself and update with it.</source>
        <translation>Ни одна модель не закреплялась при первом скачивании: версии используемых моделей встроены в Vitrina и обновляются вместе с ней.</translation>
    </message>
    <message>
        <source>{0}: could not check ({1})</source>
        <translation>{0}: не удалось проверить ({1})</translation>
    </message>
    <message>
        <source>{0}: up to date ({1})</source>
        <translation>{0}: новейшая версия ({1})</translation>
    </message>
    <message>
        <source>{0}: now at {1}; it downloads on its next use</source>
        <translation>{0}: теперь версия {1}; она скачается при следующем использовании</translation>
    </message>
    <message>
        <source>{0}: kept at {1} (newer: {2})</source>
        <translation>{0}: оставлена версия {1} (новее: {2})</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Vitrina cuts products out of photos and describes them with models that run on this computer. They are downloaded once from the Hugging Face hub, at fixed versions, and keep their own licences.</source>
        <translation>Vitrina вырезает товары из фото и описывает их с помощью моделей, которые работают на этом компьютере. Модели скачиваются один раз с Hugging Face в закреплённых версиях и распространяются по своим лицензиям.</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <source>Checking what is already downloaded…</source>
        <translation>Проверяем, что уже скачано…</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Скачать</translation>
    </message>
    <message>
        <source>Use a folder with model files…</source>
        <translation>Указать папку с файлами модели…</translation>
    </message>
    <message>
        <source>Model files copied from another computer (config.json, model.safetensors…) instead of a download</source>
        <translation>Файлы модели, скопированные с другого компьютера (config.json, model.safetensors…), вместо скачивания</translation>
    </message>
    <message>
        <source>Models (kept in {0})</source>
        <translation>Модели (хранятся в {0})</translation>
    </message>
    <message>
        <source>To download: {0}</source>
        <translation>Скачать: {0}</translation>
    </message>
    <message>
        <source>Nothing ticked to download.</source>
        <translation>Для скачивания ничего не отмечено.</translation>
    </message>
    <message>
        <source>Everything needed is on this computer.</source>
        <translation>Всё нужное уже есть на этом компьютере.</translation>
    </message>
    <message>
        <source>Asking the hub which commit it offers…</source>
        <translation>Спрашиваю Hugging Face, какую версию он предлагает…</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>{0} was not accepted, so it is not downloaded.</source>
        <translation>{0} не принята, поэтому не скачивается.</translation>
    </message>
    <message>
        <source>Stopping the download…</source>
        <translation>Останавливаем скачивание…</translation>
    </message>
    <message>
        <source>Not downloaded</source>
        <translation>Не скачана</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Остановлена</translation>
    </message>
    <message>
        <source>Download stopped. What was downloaded is kept: press “Download” to continue where it stopped.</source>
        <translation>Скачивание остановлено. Скачанное сохранено: нажмите «Скачать», чтобы продолжить с того же места.</translation>
    </message>
    <message>
        <source>Done: the models are on this computer.</source>
        <translation>Готово: модели на этом компьютере.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Could not download {0} ({1}).&lt;/b&gt; Is this computer online? The parts already downloaded are kept in {2}: press “Download” when the connection is back and it continues from there. Without internet, download the files of &lt;a href=&quot;{3}&quot;&gt;{1}&lt;/a&gt; on another computer and choose “Use a folder with model files…”.</source>
        <translation>&lt;b&gt;Не удалось скачать {0} ({1}).&lt;/b&gt; Есть ли подключение к интернету? Уже скачанные части сохранены в {2}: когда связь появится, нажмите «Скачать» — скачивание продолжится с того же места. Без интернета скачайте файлы &lt;a href=&quot;{3}&quot;&gt;{1}&lt;/a&gt; на другом компьютере и выберите «Указать папку с файлами модели…».</translation>
    </message>
    <message>
        <source>Folder with model files</source>
        <translation>Папка с файлами модели</translation>
    </message>
    <message>
        <source>This folder cannot be used: {0}</source>
        <translation>Эту папку использовать нельзя: {0}</translation>
    </message>
    <message>
        <source>Using the {0} in {1}.</source>
        <translation>Используется {0} из папки {1}.</translation>
    </message>
</context>
<context>
    <name>PackageDefaultsBox</name>
    <message>
        <source>For products without their own</source>
        <translation>Для товаров без своих данных</translation>
    </message>
    <message>
        <source>Kept in the export folder for every product whose Wildberries listing (Card text tab) has no brand or package of its own</source>
        <translation>Хранится в папке экспорта для всех товаров, у которых в данных Wildberries (вкладка «Текст карточки») нет своего бренда или упаковки</translation>
    </message>
    <message>
        <source>as registered on Wildberries</source>
        <translation>как зарегистрирован на Wildberries</translation>
    </message>
</context>
<context>
    <name>PasteDialog</name>
    <message>
        <source>Paste settings</source>
        <translation>Вставить настройки</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>Фон</translation>
    </message>
    <message>
        <source>Canvas (marketplace)</source>
        <translation>Холст (маркетплейс)</translation>
    </message>
    <message>
        <source>Placement</source>
        <translation>Размещение</translation>
    </message>
    <message>
        <source>Shadow and reflection</source>
        <translation>Тень и отражение</translation>
    </message>
    <message numerus="yes">
        <source>Paste onto %n selected photo(s):</source>
        <translation>
            <numerusform>Вставить в %n выбранное фото:</numerusform>
            <numerusform>Вставить в %n выбранных фото:</numerusform>
            <numerusform>Вставить в %n выбранных фото:</numerusform>
        </translation>
    </message>
    <message>
        <source>The copied background draws no shadow</source>
        <translation>У скопированного фона нет тени</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Вставить</translation>
    </message>
</context>
<context>
    <name>PhotoModel</name>
    <message>
        <source>unreadable</source>
        <translation>не читается</translation>
    </message>
    <message>
        <source>not processed yet</source>
        <translation>ещё не обработано</translation>
    </message>
    <message>
        <source>mask ready</source>
        <translation>маска готова</translation>
    </message>
    <message>
        <source>mask ready — needs a look</source>
        <translation>маска готова — стоит проверить</translation>
    </message>
    <message>
        <source>mask edited by hand</source>
        <translation>маска исправлена вручную</translation>
    </message>
    <message>
        <source>error: {0}</source>
        <translation>ошибка: {0}</translation>
    </message>
    <message>
        <source>queued for processing</source>
        <translation>в очереди на обработку</translation>
    </message>
    <message>
        <source>processing…</source>
        <translation>обрабатывается…</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>одобрено</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>отклонено</translation>
    </message>
</context>
<context>
    <name>PhotoTasks</name>
    <message>
        <source>Processing</source>
        <translation>Обработка</translation>
    </message>
    <message>
        <source>photos</source>
        <translation>фото</translation>
    </message>
    <message>
        <source>The cut-out model is needed first: nothing was processed yet.</source>
        <translation>Сначала нужна модель вырезания: пока ничего не обработано.</translation>
    </message>
    <message>
        <source>Downloading the model</source>
        <translation>Скачивание модели</translation>
    </message>
    <message>
        <source>Processed {0} photo(s), {1} failed.</source>
        <translation>Обработано фото: {0}, с ошибкой: {1}.</translation>
    </message>
    <message>
        <source>Stopped. </source>
        <translation>Остановлено. </translation>
    </message>
    <message>
        <source>export</source>
        <translation>экспорт</translation>
    </message>
    <message>
        <source>card text</source>
        <translation>текст карточек</translation>
    </message>
    <message>
        <source>publishing</source>
        <translation>публикация</translation>
    </message>
    <message>
        <source>processing</source>
        <translation>обработка</translation>
    </message>
    <message>
        <source>model training</source>
        <translation>обучение модели</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Accept {0}?</source>
        <translation>Принять {0}?</translation>
    </message>
    <message>
        <source>Repository</source>
        <translation>Репозиторий</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Версия</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Лицензия</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>не указана</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>Replaces</source>
        <translation>Заменяет</translation>
    </message>
    <message>
        <source>A newer commit of &lt;b&gt;{0}&lt;/b&gt; is on the hub.</source>
        <translation>На Hugging Face есть более новая версия &lt;b&gt;{0}&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; has no commit built into Vitrina. The hub offers this one; once you accept it, Vitrina uses only this commit until you accept another.</source>
        <translation>У &lt;b&gt;{0}&lt;/b&gt; нет версии, встроенной в Vitrina. Hugging Face предлагает эту; когда вы её примете, Vitrina будет использовать только её, пока вы не примете другую.</translation>
    </message>
    <message>
        <source>Loading this model runs Python code from its repository at this commit.</source>
        <translation>При загрузке этой модели выполняется код Python из её репозитория в этой версии.</translation>
    </message>
    <message>
        <source>I accept the non-commercial licence: selling with its results needs an agreement with its authors</source>
        <translation>Я принимаю некоммерческую лицензию: чтобы продавать с её результатами, нужно соглашение с авторами</translation>
    </message>
    <message>
        <source>Accept and download</source>
        <translation>Принять и скачать</translation>
    </message>
</context>
<context>
    <name>PlacementBar</name>
    <message>
        <source>Place by hand</source>
        <translation>Разместить вручную</translation>
    </message>
    <message>
        <source>Fills </source>
        <translation>Занимает </translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Авто</translation>
    </message>
    <message>
        <source>Product moved</source>
        <translation>Товар перемещён</translation>
    </message>
    <message>
        <source>Product resized</source>
        <translation>Размер товара изменён</translation>
    </message>
    <message>
        <source>Automatic placement</source>
        <translation>Автоматическое размещение</translation>
    </message>
    <message numerus="yes">
        <source>Automatic placement for %n photo(s)</source>
        <translation>
            <numerusform>Автоматическое размещение для %n фото</numerusform>
            <numerusform>Автоматическое размещение для %n фото</numerusform>
            <numerusform>Автоматическое размещение для %n фото</numerusform>
        </translation>
    </message>
    <message>
        <source>Fills {0} %</source>
        <translation>Занимает {0} %</translation>
    </message>
    <message numerus="yes">
        <source>Fills {0} % on %n photo(s)</source>
        <translation>
            <numerusform>Занимает {0} % на %n фото</numerusform>
            <numerusform>Занимает {0} % на %n фото</numerusform>
            <numerusform>Занимает {0} % на %n фото</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a photo to place its product on the canvas</source>
        <translation>Выберите фото, чтобы разместить товар на холсте</translation>
    </message>
    <message>
        <source>The photo keeps its own size: choose a marketplace canvas to place the product on it</source>
        <translation>Фото сохраняет свой размер: выберите холст маркетплейса, чтобы разместить на нём товар</translation>
    </message>
    <message>
        <source>With several photos selected, it applies to all of them.</source>
        <translation>Если выбрано несколько фото, применяется ко всем.</translation>
    </message>
    <message>
        <source>Move and scale the product on the canvas: drag it to move it, turn the wheel to scale it (Ctrl+wheel zooms meanwhile). Off: drag pans and the wheel zooms, Ctrl+wheel scales the product. One undo step per drag.</source>
        <translation>Перемещение и масштаб товара на холсте: перетащите, чтобы переместить, колесо мыши — чтобы изменить размер (Ctrl+колесо в это время масштабирует вид). Выключено: перетаскивание сдвигает вид, колесо масштабирует вид, Ctrl+колесо меняет размер товара. Каждое перетаскивание — один шаг отмены.</translation>
    </message>
    <message>
        <source>The product&apos;s height as a share of the canvas height (hand placement; the export may then upscale it beyond its source pixels).</source>
        <translation>Высота товара как доля высоты холста (ручное размещение; при экспорте товар может быть увеличен сверх исходных пикселей).</translation>
    </message>
    <message>
        <source>Forget the hand placement: the product is sized and centred automatically again.</source>
        <translation>Забыть ручное размещение: размер и положение товара снова выбираются автоматически.</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Fit</source>
        <translation>Вписать</translation>
    </message>
    <message>
        <source>Show the whole image (Ctrl+0); the mouse wheel zooms, drag pans</source>
        <translation>Показать изображение целиком (Ctrl+0); колесо мыши — масштаб, перетаскивание — сдвиг</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>One pixel of the exported image per screen pixel (Ctrl+1)</source>
        <translation>Один пиксель результата на пиксель экрана (Ctrl+1)</translation>
    </message>
    <message>
        <source>Before/after</source>
        <translation>До/после</translation>
    </message>
    <message>
        <source>One view with a divider to drag between the original and the result (Ctrl+B)</source>
        <translation>Один вид с разделителем между исходником и результатом (Ctrl+B)</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Предыдущий</translation>
    </message>
    <message>
        <source>Show the result as it was before the last change, to compare (Y); kept until the next change or another photo</source>
        <translation>Показать результат до последнего изменения, чтобы сравнить (Y); хранится до следующего изменения или другого фото</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Исходник</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Zoom: 100 % shows one pixel of the exported image per screen pixel</source>
        <translation>Масштаб: при 100 % один пиксель экспортируемого изображения равен одному пикселю экрана</translation>
    </message>
    <message>
        <source>Cannot render the preview:
{0}</source>
        <translation>Не удалось построить просмотр:
{0}</translation>
    </message>
    <message>
        <source>Not processed yet:
press Process to cut it out</source>
        <translation>Ещё не обработано:
нажмите «Обработать», чтобы вырезать</translation>
    </message>
    <message>
        <source>{0} %</source>
        <translation>{0} %</translation>
    </message>
    <message>
        <source>Result before the last change</source>
        <translation>Результат до последнего изменения</translation>
    </message>
    <message>
        <source>Before / after</source>
        <translation>До / после</translation>
    </message>
</context>
<context>
    <name>ProgressStatus</name>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Останавливаем…</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <source>Publish to Wildberries</source>
        <translation>Публикация на Wildberries</translation>
    </message>
    <message>
        <source>Sandbox: publish to Wildberries&apos; test environment (needs a sandbox token; cards there are apart from your real ones)</source>
        <translation>Песочница: публиковать в тестовую среду Wildberries (нужен тестовый токен; карточки там отдельно от настоящих)</translation>
    </message>
    <message>
        <source>Check only</source>
        <translation>Только проверить</translation>
    </message>
    <message>
        <source>Check every product against Wildberries&apos; rules and show what would be sent; nothing is sent</source>
        <translation>Проверить все товары по правилам Wildberries и показать, что будет отправлено; ничего не отправляется</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Опубликовать</translation>
    </message>
    <message>
        <source>Create or update the cards and upload their photos</source>
        <translation>Создать или обновить карточки и загрузить их фото</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>Товары</translation>
    </message>
    <message>
        <source>The selected photos&apos; products ({0})</source>
        <translation>Товары выбранных фото ({0})</translation>
    </message>
    <message>
        <source>All approved products ({0})</source>
        <translation>Все одобренные товары ({0})</translation>
    </message>
    <message>
        <source>Nothing to publish in the selection: select processed photos in the gallery.</source>
        <translation>В выборе нечего публиковать: выберите в галерее обработанные фото.</translation>
    </message>
    <message>
        <source>No product is approved yet: approve its photos with P (every photo flagged, at least one approved).</source>
        <translation>Пока нет одобренных товаров: одобрите их фото клавишей P (все фото отмечены, хотя бы одно одобрено).</translation>
    </message>
    <message numerus="yes">
        <source>%n product(s) of the selection have no processed photo and are left out.</source>
        <translation>
            <numerusform>%n товар из выбора без обработанных фото и не войдёт.</numerusform>
            <numerusform>%n товара из выбора без обработанных фото и не войдут.</numerusform>
            <numerusform>%n товаров из выбора без обработанных фото и не войдут.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n approved product(s) have no processed photo and are left out.</source>
        <translation>
            <numerusform>%n одобренный товар без обработанных фото и не войдёт.</numerusform>
            <numerusform>%n одобренных товара без обработанных фото и не войдут.</numerusform>
            <numerusform>%n одобренных товаров без обработанных фото и не войдут.</numerusform>
        </translation>
    </message>
    <message>
        <source>From the export folder</source>
        <translation>Из папки экспорта</translation>
    </message>
    <message>
        <source>Export again first (make every bundle&apos;s images anew from your saved masks, backgrounds and placement)</source>
        <translation>Сначала экспортировать заново (изображения всех комплектов заново из сохранённых масок, фонов и расположения)</translation>
    </message>
    <message>
        <source>No Wildberries API token is stored: Publish needs one (category «Контент»). Check only works without it, but cannot check each category&apos;s characteristics.</source>
        <translation>Токен API Wildberries не сохранён: для публикации он нужен (категория «Контент»). Проверка работает и без него, но не может проверить характеристики каждой категории.</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Открыть настройки…</translation>
    </message>
    <message>
        <source>Add the token in Settings → Wildberries</source>
        <translation>Добавьте токен в Настройки → Wildberries</translation>
    </message>
    <message>
        <source>Publish the bundles of…</source>
        <translation>Публиковать комплекты из…</translation>
    </message>
    <message>
        <source>Products not exported there yet, or whose masks, backgrounds or placement changed since, are exported first. The others keep their images and take your latest card text and Wildberries listing.</source>
        <translation>Товары, ещё не экспортированные туда или с тех пор изменённые (маска, фон, расположение), сначала экспортируются. Остальные сохраняют свои изображения и получают ваш последний текст карточки и данные для Wildberries.</translation>
    </message>
    <message>
        <source>Nothing to publish: approve products, or select processed photos, first.</source>
        <translation>Нечего публиковать: сначала одобрите товары или выберите обработанные фото.</translation>
    </message>
</context>
<context>
    <name>PublishDone</name>
    <message>
        <source>Publish to Wildberries: results</source>
        <translation>Публикация на Wildberries: итоги</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>nmID</source>
        <translation>Артикул WB</translation>
    </message>
    <message>
        <source>Photos sent</source>
        <translation>Отправлено фото</translation>
    </message>
    <message>
        <source>What to fix / what Wildberries said</source>
        <translation>Что исправить / что ответил Wildberries</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Put the table on the clipboard as text</source>
        <translation>Скопировать таблицу в буфер обмена как текст</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>Опубликован</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>Без изменений</translation>
    </message>
    <message>
        <source>Wildberries is still creating the card</source>
        <translation>Wildberries ещё создаёт карточку</translation>
    </message>
    <message>
        <source>Refused by Wildberries</source>
        <translation>Отклонён Wildberries</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>Blocked: fix first</source>
        <translation>Не прошёл проверку: исправьте</translation>
    </message>
    <message>
        <source>Bundle unreadable</source>
        <translation>Комплект не читается</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Пропущен</translation>
    </message>
    <message>
        <source>Ready to send</source>
        <translation>Готов к отправке</translation>
    </message>
    <message>
        <source>Not published</source>
        <translation>Не опубликован</translation>
    </message>
    <message>
        <source>Would send «{0}», category {1}, {2} characteristic(s)</source>
        <translation>Будет отправлено: «{0}», категория {1}, характеристик: {2}</translation>
    </message>
</context>
<context>
    <name>PublishRun</name>
    <message>
        <source>Nothing to publish: approve products, or select processed photos, first.</source>
        <translation>Нечего публиковать: сначала одобрите товары или выберите обработанные фото.</translation>
    </message>
    <message>
        <source>Checking for Wildberries</source>
        <translation>Проверка для Wildberries</translation>
    </message>
    <message>
        <source>products</source>
        <translation>товаров</translation>
    </message>
    <message>
        <source>Publishing to Wildberries</source>
        <translation>Публикация на Wildberries</translation>
    </message>
    <message>
        <source>Exporting the bundles first</source>
        <translation>Сначала экспорт комплектов</translation>
    </message>
    <message>
        <source>cards</source>
        <translation>карточек</translation>
    </message>
    <message>
        <source>The check stopped: {0}</source>
        <translation>Проверка остановлена: {0}</translation>
    </message>
    <message>
        <source>Publishing stopped: {0}</source>
        <translation>Публикация остановлена: {0}</translation>
    </message>
    <message>
        <source>Checked: {0} ready to send, {1} blocked, {2} not published; nothing was sent.</source>
        <translation>Проверено: готово к отправке — {0}, не прошли проверку — {1}, не публикуются — {2}; ничего не отправлено.</translation>
    </message>
    <message>
        <source>Published {0}, up to date {1}, waiting for Wildberries {2}, refused {3}, blocked {4}, not published {5}.</source>
        <translation>Опубликовано — {0}, без изменений — {1}, ждут Wildberries — {2}, отклонено — {3}, не прошли проверку — {4}, не публикуются — {5}.</translation>
    </message>
    <message>
        <source>Stopped: Publish again to go on from where it stopped.</source>
        <translation>Остановлено: опубликуйте снова, чтобы продолжить с того же места.</translation>
    </message>
</context>
<context>
    <name>SettingsClipboard</name>
    <message>
        <source>Copied the settings of {0}</source>
        <translation>Скопированы настройки {0}</translation>
    </message>
    <message>
        <source>background</source>
        <translation>фон</translation>
    </message>
    <message>
        <source>canvas</source>
        <translation>холст</translation>
    </message>
    <message>
        <source>placement</source>
        <translation>размещение</translation>
    </message>
    <message>
        <source>shadow</source>
        <translation>тень</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message numerus="yes">
        <source>Pasted {0} to %n photo(s)</source>
        <translation>
            <numerusform>Вставлено ({0}) в %n фото</numerusform>
            <numerusform>Вставлено ({0}) в %n фото</numerusform>
            <numerusform>Вставлено ({0}) в %n фото</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Automatic (GPU when there is one)</source>
        <translation>Автоматически (видеокарта, если есть)</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>Видеокарта (CUDA)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>Процессор</translation>
    </message>
    <message>
        <source>The model that cuts the product out (hub models download on first use)</source>
        <translation>Модель, которая вырезает товар (модели с Hugging Face скачиваются при первом использовании)</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>Выбрать папку…</translation>
    </message>
    <message>
        <source>A model folder on disk (config.json, model.safetensors and its code)</source>
        <translation>Папка модели на диске (config.json, model.safetensors и её код)</translation>
    </message>
    <message>
        <source>The local vision model that describes the product for the card text</source>
        <translation>Локальная модель зрения, которая описывает товар для текста карточки</translation>
    </message>
    <message>
        <source>Local model</source>
        <translation>Локальная модель</translation>
    </message>
    <message>
        <source>None (no card text)</source>
        <translation>Нет (без текста карточки)</translation>
    </message>
    <message>
        <source>Photo&apos;s own size</source>
        <translation>Размер фото</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>Applies the next time Vitrina starts</source>
        <translation>Вступит в силу при следующем запуске Vitrina</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Устройство:</translation>
    </message>
    <message>
        <source>Segmentation model:</source>
        <translation>Модель вырезания:</translation>
    </message>
    <message>
        <source>Describer model:</source>
        <translation>Модель описания:</translation>
    </message>
    <message>
        <source>Photos described by:</source>
        <translation>Кто описывает фото:</translation>
    </message>
    <message>
        <source>Describer / writer precision:</source>
        <translation>Точность моделей описания и текста:</translation>
    </message>
    <message>
        <source>Keep models loaded:</source>
        <translation>Держать модели в памяти:</translation>
    </message>
    <message>
        <source>Card text by:</source>
        <translation>Текст карточки пишет:</translation>
    </message>
    <message>
        <source>Marketplace canvas:</source>
        <translation>Холст маркетплейса:</translation>
    </message>
    <message>
        <source>Background:</source>
        <translation>Фон:</translation>
    </message>
    <message>
        <source>For products you have not chosen for</source>
        <translation>Для товаров, где вы ничего не выбрали</translation>
    </message>
    <message>
        <source>Forget key</source>
        <translation>Забыть ключ</translation>
    </message>
    <message>
        <source>Test the connection to list the models your key can use</source>
        <translation>Проверьте подключение, чтобы увидеть модели, доступные по вашему ключу</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Sign in with this key and scope and list the models</source>
        <translation>Войти с этим ключом и типом доступа и показать модели</translation>
    </message>
    <message>
        <source>Authorization key:</source>
        <translation>Ключ авторизации:</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>Тип доступа:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Модель:</translation>
    </message>
    <message>
        <source>Requests at once:</source>
        <translation>Запросов одновременно:</translation>
    </message>
    <message>
        <source>{0} is licensed {1}: not for commercial use without an agreement with its authors.</source>
        <translation>{0} распространяется по лицензии {1}: коммерческое использование — только по договору с авторами.</translation>
    </message>
    <message>
        <source>Folder: {0}</source>
        <translation>Папка: {0}</translation>
    </message>
    <message>
        <source>Segmentation model folder</source>
        <translation>Папка модели вырезания</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Папка модели</translation>
    </message>
    <message>
        <source>The key in use comes from the GIGACHAT_CREDENTIALS environment variable; type one here to keep it in the system keyring instead.</source>
        <translation>Используемый ключ взят из переменной окружения GIGACHAT_CREDENTIALS; введите ключ здесь, чтобы хранить его в системном хранилище паролей.</translation>
    </message>
    <message>
        <source>from the GIGACHAT_CREDENTIALS environment variable</source>
        <translation>из переменной окружения GIGACHAT_CREDENTIALS</translation>
    </message>
    <message>
        <source>A key is stored; type a new one to replace it.</source>
        <translation>Ключ сохранён; введите новый, чтобы заменить его.</translation>
    </message>
    <message>
        <source>No key yet: paste the authorization key from the GigaChat studio.</source>
        <translation>Ключа пока нет: вставьте ключ авторизации из студии GigaChat.</translation>
    </message>
    <message>
        <source>stored in the system keyring</source>
        <translation>хранится в системном хранилище</translation>
    </message>
    <message>
        <source> — asks before its first download</source>
        <translation> — спросит перед первым скачиванием</translation>
    </message>
    <message>
        <source>Remove the key from the system keyring (a key in the GIGACHAT_CREDENTIALS environment variable stays)</source>
        <translation>Удалить ключ из системного хранилища паролей (ключ в переменной окружения GIGACHAT_CREDENTIALS останется)</translation>
    </message>
    <message>
        <source>This model has no commit built into Vitrina: its first download shows the commit the hub offers, its licence and size, and asks you to accept them (loading it runs code from its repository).</source>
        <translation>У этой модели нет версии, встроенной в Vitrina: при первом скачивании вам покажут версию, которую предлагает Hugging Face, её лицензию и размер и попросят их принять (модель запускает код из своего репозитория).</translation>
    </message>
    <message>
        <source>No key is stored in the system keyring.</source>
        <translation>В системном хранилище паролей ключа нет.</translation>
    </message>
    <message>
        <source>The key in use comes from the GIGACHAT_CREDENTIALS environment variable: unset it to stop using that key.</source>
        <translation>Используемый ключ взят из переменной окружения GIGACHAT_CREDENTIALS: удалите эту переменную, чтобы перестать его использовать.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Connected. Models: {0}</source>
        <translation>Подключено. Модели: {0}</translation>
    </message>
    <message>
        <source>Automatic (full precision)</source>
        <translation>Автоматически (полная точность)</translation>
    </message>
    <message>
        <source>8-bit</source>
        <translation>8 бит</translation>
    </message>
    <message>
        <source>4-bit</source>
        <translation>4 бита</translation>
    </message>
    <message>
        <source>8-bit and 4-bit fit the describer and the local writer into a smaller NVIDIA GPU at a small cost in quality. NVIDIA GPU only; needs pip install &apos;vitrina[gpu]&apos;.</source>
        <translation>8 и 4 бита помещают модели описания и текста в видеокарту NVIDIA поменьше ценой небольшой потери качества. Только для видеокарт NVIDIA; нужно pip install &apos;vitrina[gpu]&apos;.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>release after each task</source>
        <translation>освобождать после каждой задачи</translation>
    </message>
    <message>
        <source>Loaded models stay in memory this long after their last task, so the next Process or card text starts at once</source>
        <translation>Столько загруженные модели остаются в памяти после последней задачи, чтобы следующая обработка или текст карточки начинались сразу</translation>
    </message>
    <message>
        <source>A model on this computer</source>
        <translation>Модель на этом компьютере</translation>
    </message>
    <message>
        <source>GigaChat (the photos are sent to GigaChat)</source>
        <translation>GigaChat (фото отправляются в GigaChat)</translation>
    </message>
    <message>
        <source>Who looks at the photos to describe the product. GigaChat needs no local model but receives the photos (GigaChat-2-Pro or Max).</source>
        <translation>Кто смотрит на фото, чтобы описать товар. GigaChat не нужна модель на компьютере, но он получает фото (GigaChat-2-Pro или Max).</translation>
    </message>
    <message>
        <source>How many requests GigaChat takes at once on your account: 1 for a personal account, up to 10 for a business one</source>
        <translation>Сколько запросов GigaChat принимает одновременно от вашей учётной записи: 1 для физлица, до 10 для ИП и юрлица</translation>
    </message>
</context>
<context>
    <name>ShadowControls</name>
    <message>
        <source>Shadow strength</source>
        <translation>Сила тени</translation>
    </message>
    <message>
        <source>Softness</source>
        <translation>Мягкость</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Длина</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Reflection</source>
        <translation>Отражение</translation>
    </message>
    <message>
        <source>How dark the shadow under the product is (0 = no shadow)</source>
        <translation>Насколько темна тень под товаром (0 — без тени)</translation>
    </message>
    <message>
        <source>How blurred the shadow&apos;s edge is</source>
        <translation>Насколько размыт край тени</translation>
    </message>
    <message>
        <source>How far the shadow reaches toward the viewer</source>
        <translation>Как далеко тень тянется к зрителю</translation>
    </message>
    <message>
        <source>Which way the shadow leans</source>
        <translation>В какую сторону падает тень</translation>
    </message>
    <message>
        <source>A mirror image on a glossy floor (0 = off)</source>
        <translation>Зеркальное отражение на глянцевом полу (0 — выключено)</translation>
    </message>
    <message>
        <source>Shadow and reflection</source>
        <translation>Тень и отражение</translation>
    </message>
    <message>
        <source>left</source>
        <translation>влево</translation>
    </message>
    <message>
        <source>right</source>
        <translation>вправо</translation>
    </message>
    <message>
        <source>mixed</source>
        <translation>разные</translation>
    </message>
    <message>
        <source>left {0} %</source>
        <translation>влево {0} %</translation>
    </message>
    <message>
        <source>right {0} %</source>
        <translation>вправо {0} %</translation>
    </message>
    <message>
        <source>straight</source>
        <translation>прямо</translation>
    </message>
    <message>
        <source>{0} %</source>
        <translation>{0} %</translation>
    </message>
</context>
<context>
    <name>SurveyView</name>
    <message>
        <source>Select 2 to 4 photos in the gallery and press N to compare their results side by side. P approves, X rejects, U clears the photo under the mouse.</source>
        <translation>Выберите в галерее от 2 до 4 фото и нажмите N, чтобы сравнить результаты рядом. P — одобрить, X — отклонить, U — снять отметку с фото под указателем мыши.</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Одобрено</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Отклонено</translation>
    </message>
    <message>
        <source>Cannot render the preview:
{0}</source>
        <translation>Не удалось построить превью:
{0}</translation>
    </message>
    <message>
        <source>Not processed yet</source>
        <translation>Ещё не обработано</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>Unexpected error (see the log file): {0}</source>
        <translation>Непредвиденная ошибка (подробности в журнале): {0}</translation>
    </message>
</context>
<context>
    <name>UserPresets</name>
    <message>
        <source>Your presets</source>
        <translation>Ваши наборы</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Сохранить как набор…</translation>
    </message>
    <message>
        <source>Keep this background, canvas and shadow under a name, to apply to other photos with one click</source>
        <translation>Сохранить этот фон, холст и тень под именем, чтобы применять к другим фото одним щелчком</translation>
    </message>
    <message>
        <source>Delete preset</source>
        <translation>Удалить набор</translation>
    </message>
    <message>
        <source>Delete one of your presets (the built-in ones stay)</source>
        <translation>Удалить один из ваших наборов (встроенные остаются)</translation>
    </message>
    <message>
        <source>Your preset “{0}”: its background, shadow and canvas</source>
        <translation>Ваш набор «{0}»: его фон, тень и холст</translation>
    </message>
    <message>
        <source>Save as preset</source>
        <translation>Сохранить как набор</translation>
    </message>
    <message>
        <source>Delete your preset “{0}”? Photos keep their backgrounds.</source>
        <translation>Удалить ваш набор «{0}»? Фон у фотографий останется.</translation>
    </message>
    <message>
        <source>Preset name:</source>
        <translation>Название набора:</translation>
    </message>
    <message>
        <source>You already have a preset “{0}”. Replace it?</source>
        <translation>У вас уже есть набор «{0}». Заменить его?</translation>
    </message>
</context>
<context>
    <name>WBListingPanel</name>
    <message>
        <source>That failed unexpectedly; the log has the details.</source>
        <translation>Не удалось из-за непредвиденной ошибки; подробности в журнале.</translation>
    </message>
    <message>
        <source>Search categories, e.g. «Кружки»</source>
        <translation>Поиск категорий, например «Кружки»</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Найти</translation>
    </message>
    <message>
        <source>Suggest</source>
        <translation>Предложить</translation>
    </message>
    <message>
        <source>Ask the card writer from Settings which category fits this card</source>
        <translation>Спросить автора текста из настроек, какая категория подходит карточке</translation>
    </message>
    <message>
        <source>Click a category to choose it</source>
        <translation>Нажмите на категорию, чтобы выбрать её</translation>
    </message>
    <message>
        <source>As registered on Wildberries</source>
        <translation>Как зарегистрирован на Wildberries</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Длина</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Ширина</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Высота</translation>
    </message>
    <message>
        <source>{0} of the package in cm</source>
        <translation>{0} упаковки в см</translation>
    </message>
    <message>
        <source>Weight of the packed product in kg</source>
        <translation>Вес товара с упаковкой в кг</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>не задана</translation>
    </message>
    <message>
        <source>Price for a new card (optional; later prices are set in the seller portal)</source>
        <translation>Цена для новой карточки (необязательно; потом цены меняют на портале продавца)</translation>
    </message>
    <message>
        <source>{0} (the export folder&apos;s default)</source>
        <translation>{0} (по умолчанию для папки экспорта)</translation>
    </message>
    <message>
        <source>package {0} × {1} × {2} cm, {3} kg</source>
        <translation>упаковка {0} × {1} × {2} см, {3} кг</translation>
    </message>
    <message>
        <source>price {0} ₽</source>
        <translation>цена {0} ₽</translation>
    </message>
    <message>
        <source>Left empty, the export folder&apos;s defaults apply: {0}.</source>
        <translation>Если оставить пустым, действуют значения папки экспорта: {0}.</translation>
    </message>
    <message>
        <source>Fill from card text</source>
        <translation>Заполнить по тексту карточки</translation>
    </message>
    <message>
        <source>Ask the card writer from Settings for the empty characteristics (one request); your values are kept</source>
        <translation>Спросить автора текста из настроек о пустых характеристиках (один запрос); ваши значения сохранятся</translation>
    </message>
    <message>
        <source>Vendor code</source>
        <translation>Артикул продавца</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>Бренд</translation>
    </message>
    <message>
        <source>L × W × H, cm</source>
        <translation>Д × Ш × В, см</translation>
    </message>
    <message>
        <source>Weight, kg</source>
        <translation>Вес, кг</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Characteristics</source>
        <translation>Характеристики</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Категория</translation>
    </message>
    <message>
        <source>No category chosen: search for one, or ask for a suggestion.</source>
        <translation>Категория не выбрана: найдите её или попросите предложить.</translation>
    </message>
    <message>
        <source>Chosen: «{0}» ({1})</source>
        <translation>Выбрано: «{0}» ({1})</translation>
    </message>
    <message>
        <source>Loading the characteristics…</source>
        <translation>Загрузка характеристик…</translation>
    </message>
    <message>
        <source>Required by Wildberries</source>
        <translation>Обязательна для Wildberries</translation>
    </message>
    <message>
        <source>a number in {0}</source>
        <translation>число в {0}</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>число</translation>
    </message>
    <message>
        <source>from the Wildberries list</source>
        <translation>из списка Wildberries</translation>
    </message>
    <message>
        <source>one value</source>
        <translation>одно значение</translation>
    </message>
    <message>
        <source>up to {0}, comma-separated</source>
        <translation>до {0}, через запятую</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>через запятую</translation>
    </message>
    <message>
        <source>Wildberries listing of {0}</source>
        <translation>Данные Wildberries для {0}</translation>
    </message>
    <message>
        <source>Publishing would be blocked by:</source>
        <translation>Публикации помешает:</translation>
    </message>
    <message>
        <source>Nothing blocks publishing (the photos are checked when the bundle is exported).</source>
        <translation>Публикации ничего не мешает (фото проверяются при экспорте комплекта).</translation>
    </message>
    <message>
        <source>Type a part of the category&apos;s name, e.g. «кружк».</source>
        <translation>Введите часть названия категории, например «кружк».</translation>
    </message>
    <message>
        <source>Searching Wildberries…</source>
        <translation>Поиск на Wildberries…</translation>
    </message>
    <message>
        <source>Loading the characteristics of «{0}»…</source>
        <translation>Загрузка характеристик «{0}»…</translation>
    </message>
    <message>
        <source>Asking the card writer for a category…</source>
        <translation>Автор текста подбирает категорию…</translation>
    </message>
    <message>
        <source>Wildberries category of {0}</source>
        <translation>Категория Wildberries для {0}</translation>
    </message>
    <message>
        <source>Choose the category first: its characteristics are what is filled.</source>
        <translation>Сначала выберите категорию: заполняются именно её характеристики.</translation>
    </message>
    <message>
        <source>Asking the card writer for the characteristics…</source>
        <translation>Автор текста заполняет характеристики…</translation>
    </message>
    <message>
        <source>No card writer is chosen: choose GigaChat or a local writer as the text provider in Settings.</source>
        <translation>Автор текста не выбран: выберите в настройках GigaChat или локальную модель.</translation>
    </message>
    <message>
        <source>Characteristics of {0} filled from the card text</source>
        <translation>Характеристики {0} заполнены по тексту карточки</translation>
    </message>
    <message>
        <source>Every characteristic has a value already; clear one to have it filled.</source>
        <translation>У всех характеристик уже есть значения; очистите нужную, чтобы её заполнить.</translation>
    </message>
    <message numerus="yes">
        <source>Filled %n characteristic(s) from the card text.</source>
        <translation>
            <numerusform>Заполнена %n характеристика по тексту карточки.</numerusform>
            <numerusform>Заполнены %n характеристики по тексту карточки.</numerusform>
            <numerusform>Заполнено %n характеристик по тексту карточки.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not used:</source>
        <translation>Не использовано:</translation>
    </message>
    <message>
        <source>Wildberries has no category named like «{0}».</source>
        <translation>На Wildberries нет категории с названием вроде «{0}».</translation>
    </message>
    <message>
        <source>The card writer suggests «{0}»; click another one to change it.</source>
        <translation>Автор текста предлагает «{0}»; нажмите на другую, чтобы сменить.</translation>
    </message>
    <message>
        <source>The card writer found none of these fits; click the right one.</source>
        <translation>Автор текста не нашёл подходящей среди этих; выберите нужную.</translation>
    </message>
    <message>
        <source>Wildberries has no category for the card&apos;s words; search by name.</source>
        <translation>На Wildberries нет категории по словам карточки; найдите по названию.</translation>
    </message>
</context>
<context>
    <name>WBSettings</name>
    <message>
        <source>The connection test failed unexpectedly; the log has the details.</source>
        <translation>Проверка подключения не удалась из-за непредвиденной ошибки; подробности в журнале.</translation>
    </message>
    <message>
        <source>The API token from the seller portal: Settings → API access, category «Контент» with write access</source>
        <translation>Токен API с портала продавца: Настройки → Доступ к API, категория «Контент» с правом записи</translation>
    </message>
    <message>
        <source>Forget token</source>
        <translation>Забыть токен</translation>
    </message>
    <message>
        <source>Remove the token from the system keyring (a token in the WB_API_TOKEN environment variable stays)</source>
        <translation>Удалить токен из системного хранилища паролей (токен в переменной окружения WB_API_TOKEN останется)</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Песочница</translation>
    </message>
    <message>
        <source>Test against Wildberries&apos; sandbox (a test token)</source>
        <translation>Проверить на песочнице Wildberries (тестовый токен)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Ask the Wildberries content API whether it takes this token</source>
        <translation>Спросить API контента Wildberries, принимает ли он этот токен</translation>
    </message>
    <message>
        <source>API token:</source>
        <translation>Токен API:</translation>
    </message>
    <message>
        <source>The token in use comes from the WB_API_TOKEN environment variable; type one here to keep it in the system keyring instead.</source>
        <translation>Используется токен из переменной окружения WB_API_TOKEN; введите токен здесь, чтобы хранить его в системном хранилище паролей.</translation>
    </message>
    <message>
        <source>from the WB_API_TOKEN environment variable</source>
        <translation>из переменной окружения WB_API_TOKEN</translation>
    </message>
    <message>
        <source>A token is stored; type a new one to replace it.</source>
        <translation>Токен сохранён; введите новый, чтобы заменить его.</translation>
    </message>
    <message>
        <source>stored in the system keyring</source>
        <translation>хранится в системном хранилище паролей</translation>
    </message>
    <message>
        <source>No token yet: paste the API token from the seller portal (category «Контент») to publish cards.</source>
        <translation>Токена пока нет: вставьте токен API с портала продавца (категория «Контент»), чтобы публиковать карточки.</translation>
    </message>
    <message>
        <source>No token is stored in the system keyring. The token in use comes from the WB_API_TOKEN environment variable: unset it to stop using that token.</source>
        <translation>В системном хранилище паролей токена нет. Используется токен из переменной окружения WB_API_TOKEN: удалите её, чтобы он больше не использовался.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Connected: Wildberries takes this token ({0}).</source>
        <translation>Подключено: Wildberries принимает этот токен ({0}).</translation>
    </message>
</context>
<context>
    <name>WatchRun</name>
    <message>
        <source>Watching {0}: new photos are added and processed once fully copied.</source>
        <translation>Слежу за папкой {0}: новые фото добавляются и обрабатываются, когда полностью скопированы.</translation>
    </message>
    <message>
        <source>Stopped watching the folder.</source>
        <translation>Слежение за папкой остановлено.</translation>
    </message>
    <message>
        <source>Changed on disk: processed again</source>
        <translation>Файл изменён на диске: обработан заново</translation>
    </message>
    <message>
        <source>New photo in the watched folder</source>
        <translation>Новое фото в отслеживаемой папке</translation>
    </message>
    <message numerus="yes">
        <source>%n new photo(s) added from {0}</source>
        <translation>
            <numerusform>%n новое фото добавлено из {0}</numerusform>
            <numerusform>%n новых фото добавлено из {0}</numerusform>
            <numerusform>%n новых фото добавлено из {0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to Vitrina</source>
        <translation>Добро пожаловать в Vitrina</translation>
    </message>
    <message>
        <source>Skip setup</source>
        <translation>Пропустить настройку</translation>
    </message>
    <message>
        <source>Use Vitrina without models for now: browse photos, edit masks by hand, put backgrounds on masks you already have</source>
        <translation>Пока работать без моделей: просматривать фото, править маски вручную, ставить фон по уже готовым маскам</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
    <message>
        <source>Step 1 of 2: models for this computer</source>
        <translation>Шаг 1 из 2: модели для этого компьютера</translation>
    </message>
    <message>
        <source>Step 2 of 2: card text</source>
        <translation>Шаг 2 из 2: текст карточки</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Готово</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Далее</translation>
    </message>
    <message>
        <source>Wait for the download to finish, or cancel it</source>
        <translation>Дождитесь окончания скачивания или отмените его</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;Open folder…</source>
        <translation>&amp;Открыть папку…</translation>
    </message>
    <message>
        <source>Open a folder of product photos</source>
        <translation>Открыть папку с фото товаров</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Экспорт</translation>
    </message>
    <message>
        <source>Export the processed products as card bundles</source>
        <translation>Экспортировать обработанные товары комплектами для карточек</translation>
    </message>
    <message>
        <source>Export &amp;to…</source>
        <translation>Экспорт &amp;в…</translation>
    </message>
    <message>
        <source>Choose the export folder and options, then export</source>
        <translation>Выбрать папку и параметры экспорта, затем экспортировать</translation>
    </message>
    <message>
        <source>&amp;Publish to Wildberries…</source>
        <translation>&amp;Опубликовать на Wildberries…</translation>
    </message>
    <message>
        <source>Create or update the products&apos; Wildberries cards and upload their photos, from the export folder</source>
        <translation>Создать или обновить карточки товаров на Wildberries и загрузить их фото из папки экспорта</translation>
    </message>
    <message>
        <source>Process &amp;selected</source>
        <translation>Обработать &amp;выбранные</translation>
    </message>
    <message>
        <source>Cut out the selected photos</source>
        <translation>Вырезать товар на выбранных фото</translation>
    </message>
    <message>
        <source>Process &amp;all</source>
        <translation>Обработать в&amp;се</translation>
    </message>
    <message>
        <source>Cut out every photo in the folder</source>
        <translation>Вырезать товар на всех фото папки</translation>
    </message>
    <message>
        <source>Write card &amp;text</source>
        <translation>Написать &amp;текст карточки</translation>
    </message>
    <message>
        <source>Write the card text of the selected photos&apos; products (edited cards are kept)</source>
        <translation>Написать текст карточек для товаров на выбранных фото (исправленные карточки не трогаются)</translation>
    </message>
    <message>
        <source>Write card text for a&amp;ll</source>
        <translation>Текст карточек для &amp;всех</translation>
    </message>
    <message>
        <source>Write the card text of every product that has none yet</source>
        <translation>Написать текст карточек для всех товаров, у которых его ещё нет</translation>
    </message>
    <message>
        <source>&amp;Improve the model from my corrections…</source>
        <translation>&amp;Улучшить модель по моим исправлениям…</translation>
    </message>
    <message>
        <source>Fine-tune the cut-out model on the masks you corrected with the brush, on this computer</source>
        <translation>Дообучить модель вырезания на масках, которые вы исправили кистью, на этом компьютере</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>О&amp;тмена</translation>
    </message>
    <message>
        <source>Stop the running task at the next safe point</source>
        <translation>Остановить текущую задачу в ближайший безопасный момент</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Отменить</translation>
    </message>
    <message>
        <source>Take back the last choice: background, canvas or card text</source>
        <translation>Отменить последний выбор: фон, холст или текст карточки</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Повторить</translation>
    </message>
    <message>
        <source>Make the undone choice again</source>
        <translation>Снова сделать отменённый выбор</translation>
    </message>
    <message>
        <source>&amp;Copy settings</source>
        <translation>&amp;Копировать настройки</translation>
    </message>
    <message>
        <source>Copy the current photo&apos;s background, canvas, placement and shadow</source>
        <translation>Скопировать фон, холст, размещение и тень текущего фото</translation>
    </message>
    <message>
        <source>&amp;Paste settings…</source>
        <translation>&amp;Вставить настройки…</translation>
    </message>
    <message>
        <source>Paste the copied settings onto the selected photos, choosing which</source>
        <translation>Вставить скопированные настройки в выбранные фото, выбрав, какие именно</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>Device, models, card text provider, GigaChat key, defaults</source>
        <translation>Устройство, модели, сервис текста карточек, ключ GigaChat, значения по умолчанию</translation>
    </message>
    <message>
        <source>Set up &amp;models and GigaChat…</source>
        <translation>Настроить &amp;модели и GigaChat…</translation>
    </message>
    <message>
        <source>Check this computer, download the models, add the GigaChat key</source>
        <translation>Проверить компьютер, скачать модели, добавить ключ GigaChat</translation>
    </message>
    <message>
        <source>&amp;Watch this folder</source>
        <translation>&amp;Следить за этой папкой</translation>
    </message>
    <message>
        <source>Add and process the photos copied into the open folder as they arrive (tethered shooting); uncheck to stop</source>
        <translation>Добавлять и обрабатывать фото, копируемые в открытую папку, по мере появления (съёмка с привязкой); снимите флажок, чтобы остановить</translation>
    </message>
    <message>
        <source>&amp;Check this computer…</source>
        <translation>&amp;Проверить компьютер…</translation>
    </message>
    <message>
        <source>The GPU, libraries, models, Qt, password store and folders, with what to do about each problem</source>
        <translation>Видеокарта, библиотеки, модели, Qt, хранилище паролей и папки — и что делать с каждой проблемой</translation>
    </message>
    <message>
        <source>Check for model &amp;updates…</source>
        <translation>Проверить &amp;обновления моделей…</translation>
    </message>
    <message>
        <source>Offer the hub&apos;s newest commit of the models you accepted on their first download</source>
        <translation>Предложить новейшую версию с Hugging Face для моделей, принятых при первом скачивании</translation>
    </message>
    <message>
        <source>&amp;About Vitrina</source>
        <translation>&amp;О программе Vitrina</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>&amp;Вписать в окно</translation>
    </message>
    <message>
        <source>&amp;100 %</source>
        <translation>&amp;100 %</translation>
    </message>
    <message>
        <source>One exported pixel per screen pixel</source>
        <translation>Один пиксель результата на пиксель экрана</translation>
    </message>
    <message>
        <source>&amp;Before/after split</source>
        <translation>&amp;До/после с разделителем</translation>
    </message>
    <message>
        <source>One view with a divider between the original and the result</source>
        <translation>Один вид с разделителем между исходником и результатом</translation>
    </message>
    <message>
        <source>Show &amp;originals in the grid</source>
        <translation>Показывать &amp;оригиналы в сетке</translation>
    </message>
    <message>
        <source>The gallery shows the photos as shot, not their results</source>
        <translation>Галерея показывает фотографии как они сняты, а не результаты</translation>
    </message>
    <message>
        <source>&amp;Next photo</source>
        <translation>&amp;Следующее фото</translation>
    </message>
    <message>
        <source>&amp;Previous photo</source>
        <translation>&amp;Предыдущее фото</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>Прин&amp;ять</translation>
    </message>
    <message>
        <source>Approve the selected photos&apos; results (in Survey: the one under the mouse)</source>
        <translation>Одобрить результаты выбранных фото (в сравнении — фото под указателем мыши)</translation>
    </message>
    <message>
        <source>Re&amp;ject</source>
        <translation>Отк&amp;лонить</translation>
    </message>
    <message>
        <source>Reject the selected photos: Export leaves them out</source>
        <translation>Отклонить выбранные фото: экспорт их пропустит</translation>
    </message>
    <message>
        <source>C&amp;lear flag</source>
        <translation>&amp;Снять отметку</translation>
    </message>
    <message>
        <source>Neither approved nor rejected</source>
        <translation>Ни одобрено, ни отклонено</translation>
    </message>
    <message>
        <source>Ad&amp;vance after flag</source>
        <translation>Пере&amp;ходить дальше после отметки</translation>
    </message>
    <message>
        <source>After flagging one photo, select the next</source>
        <translation>После отметки одного фото выбирать следующее</translation>
    </message>
    <message>
        <source>&amp;Survey</source>
        <translation>Срав&amp;нение</translation>
    </message>
    <message>
        <source>The selected 2 to 4 results side by side at the same zoom</source>
        <translation>Выбранные 2–4 результата рядом в одном масштабе</translation>
    </message>
    <message>
        <source>Compare with the previous &amp;result</source>
        <translation>Сравнить с предыдущим &amp;результатом</translation>
    </message>
    <message>
        <source>Show the result as it was before the last change</source>
        <translation>Показать результат до последнего изменения</translation>
    </message>
    <message>
        <source>Nothing to compare yet: the previous result is kept after a change to this photo&apos;s background, canvas, mask or placement.</source>
        <translation>Пока не с чем сравнить: предыдущий результат сохраняется после изменения фона, холста, маски или размещения этого фото.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Недавние папки</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Правка</translation>
    </message>
    <message>
        <source>&amp;Process</source>
        <translation>&amp;Обработка</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Основная</translation>
    </message>
    <message>
        <source>Export the approved products&apos; card bundles into {0}</source>
        <translation>Экспортировать карточки одобренных товаров в {0}</translation>
    </message>
    <message>
        <source>Export the selected photos&apos; card bundles into {0}</source>
        <translation>Экспортировать карточки товаров выбранных фото в {0}</translation>
    </message>
    <message>
        <source>Export the card bundles into {0}</source>
        <translation>Экспортировать комплекты карточек в {0}</translation>
    </message>
    <message>
        <source>Export the processed products as card bundles (asks where the first time)</source>
        <translation>Экспортировать обработанные товары комплектами карточек (в первый раз спросит куда)</translation>
    </message>
    <message>
        <source>&amp;Undo: {0}</source>
        <translation>&amp;Отменить «{0}»</translation>
    </message>
    <message>
        <source>&amp;Redo: {0}</source>
        <translation>&amp;Повторить «{0}»</translation>
    </message>
</context>
<context>
    <name>about</name>
    <message>
        <source>non-commercial</source>
        <translation>некоммерческая</translation>
    </message>
    <message>
        <source>GigaChat (Sber): used under your own account and its terms; the key stays in the system keyring.</source>
        <translation>GigaChat (Сбер): работает от имени вашей учётной записи и на её условиях; ключ хранится в системном хранилище.</translation>
    </message>
    <message>
        <source>The weights are downloaded from the Hugging Face hub at pinned commits and keep their own licences. You are responsible for using each model within its licence.</source>
        <translation>Веса моделей скачиваются с Hugging Face в закреплённых версиях и распространяются по своим лицензиям. Вы отвечаете за использование каждой модели в рамках её лицензии.</translation>
    </message>
    <message>
        <source>Product photos in, marketplace cards out.</source>
        <translation>На входе — фото товаров, на выходе — карточки для маркетплейсов.</translation>
    </message>
    <message>
        <source>Segmentation models</source>
        <translation>Модели вырезания</translation>
    </message>
    <message>
        <source>Describer models</source>
        <translation>Модели описания</translation>
    </message>
    <message>
        <source>Card text</source>
        <translation>Текст карточки</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>Export the card bundles into…</source>
        <translation>Экспортировать комплекты карточек в…</translation>
    </message>
    <message>
        <source>Replace bundles that already exist in this folder?</source>
        <translation>Заменить комплекты, которые уже есть в этой папке?</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <source>A task is still running ({0}). Stop it and close? Everything finished so far is saved.</source>
        <translation>Задача ещё выполняется ({0}). Остановить её и закрыть программу? Всё уже сделанное сохранено.</translation>
    </message>
    <message>
        <source>Close Vitrina</source>
        <translation>Закрыть Vitrina</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(пока нет)</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Очистить список</translation>
    </message>
</context>
<context>
    <name>progress</name>
    <message>
        <source>{0} {1}/s</source>
        <translation>{0} {1}/с</translation>
    </message>
    <message>
        <source>{0}&#xa0;s each</source>
        <translation>по {0}&#xa0;с</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>осталось {0}</translation>
    </message>
</context>
<context>
    <name>units</name>
    <message>
        <source>{0}/s</source>
        <translation>{0}/с</translation>
    </message>
    <message>
        <source>{0}&#xa0;s</source>
        <translation>{0}&#xa0;с</translation>
    </message>
    <message>
        <source>{0}&#xa0;min</source>
        <translation>{0}&#xa0;мин</translation>
    </message>
    <message>
        <source>{0}&#xa0;h {1}&#xa0;min</source>
        <translation>{0}&#xa0;ч {1}&#xa0;мин</translation>
    </message>
</context>
</TS>
