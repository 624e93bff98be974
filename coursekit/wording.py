"""Words the machinery adds to pages and notebooks, in each language of the site."""

STRINGS = {
    "en": {
        "output_title": "Output",
        "continues": "Continues the code above.",
        "notebook_title": "{title} — notebook",
        "notebook_intro": "This notebook holds all the code of the chapter, in page order. It runs top to bottom "
                          "on a CPU, and on a GPU when one is available (on Kaggle: Settings → Accelerator).",
        "tip_title": "Notebook",
        "tip_text": "All the code of this chapter runs top to bottom as one notebook.",
        "open_kaggle": "Open in Kaggle",
        "open_colab": "Open in Colab",
        "open_studiolab": "Open in Studio Lab",
        "view_notebook": "Read the notebook",
        "download": "Download the .ipynb",
        "import_kaggle": "To run it on Kaggle, create a notebook there and choose File → Import Notebook.",
        "home_title": "Run it at home",
        "home_text": "The file name above each block links to the whole script the block comes from. With "
                     "Python {python} or later, install what this chapter uses, at the versions that produced "
                     "its outputs, and run any of its scripts:",
        "home_provenance": "The outputs on this page were produced with {versions}. Its code was last checked "
                           "on {devices}.",
        "device_cpu": "a CPU",
        "device_gpu": "{name} ({date})",
        "and": " and ",
        "list": ", ",
        "stale_output_title": "Output older than its code",
        "stale_output_text": "The code above has changed since this output was produced: run "
                             "`python -m coursekit refresh` to show what it prints now.",
        "stale_title": "Translation behind the English version",
        "stale_text": "The English text of this section has changed since it was translated. "
                      "[Read the English section]({url}).",
    },
    "fr": {
        "output_title": "Sortie",
        "continues": "Suite du code précédent.",
        "notebook_title": "{title} — notebook",
        "notebook_intro": "Ce notebook contient tout le code du chapitre, dans l'ordre de la page. Il s'exécute "
                          "de haut en bas sur un CPU, et sur un GPU s'il y en a un (sur Kaggle : Settings → "
                          "Accelerator). Ses figures sont tracées par le code lui-même : le texte qu'elles "
                          "portent reste en anglais.",
        "tip_title": "Notebook",
        "tip_text": "Tout le code de ce chapitre s'exécute de bout en bout dans un seul notebook.",
        "open_kaggle": "Ouvrir dans Kaggle",
        "open_colab": "Ouvrir dans Colab",
        "open_studiolab": "Ouvrir dans Studio Lab",
        "view_notebook": "Lire le notebook",
        "download": "Télécharger le .ipynb",
        "import_kaggle": "Pour l'exécuter sur Kaggle, créez-y un notebook puis choisissez File → Import Notebook.",
        "home_title": "L'exécuter chez soi",
        "home_text": "Le nom de fichier au-dessus de chaque bloc mène au script complet dont il provient, tel "
                     "qu'il est écrit, avec ses commentaires en anglais. Avec "
                     "Python {python} ou plus récent, installez ce qu'utilise ce chapitre, aux versions qui ont "
                     "produit ses sorties, puis lancez l'un de ses scripts :",
        "home_provenance": "Les sorties de cette page ont été produites avec {versions}. Son code a été vérifié "
                           "pour la dernière fois sur {devices}.",
        "device_cpu": "un CPU",
        "device_gpu": "{name} ({date})",
        "and": " et ",
        "list": ", ",
        "stale_output_title": "Sortie plus ancienne que son code",
        "stale_output_text": "Le code ci-dessus a changé depuis que cette sortie a été produite : lancez "
                             "`python -m coursekit refresh` pour afficher ce qu'il imprime maintenant.",
        "stale_title": "Traduction en retard sur la version anglaise",
        "stale_text": "Le texte anglais de cette section a changé depuis sa traduction. "
                      "[Lire la section en anglais]({url}).",
    },
    "zh": {
        "output_title": "输出",
        "continues": "接续上面的代码。",
        "notebook_title": "{title}——Jupyter 笔记本",
        "notebook_intro": "本 Jupyter 笔记本按页面顺序收录了本章的全部代码，可以从头到尾运行：默认使用 CPU，"
                          "有 GPU 时自动使用 GPU（在 Kaggle 上：Settings → Accelerator）。"
                          "其中的图由代码本身绘制，因此图中的文字仍为英文。",
        "tip_title": "笔记本",
        "tip_text": "本章的全部代码可以在一个笔记本中从头到尾运行。",
        "open_kaggle": "在 Kaggle 中打开",
        "open_colab": "在 Colab 中打开",
        "open_studiolab": "在 Studio Lab 中打开",
        "view_notebook": "阅读笔记本",
        "download": "下载 .ipynb",
        "import_kaggle": "若要在 Kaggle 上运行：在 Kaggle 新建笔记本，然后选择 File → Import Notebook。",
        "home_title": "在自己的电脑上运行",
        "home_text": "每个代码块上方的文件名都链接到该代码块所在的完整脚本，即脚本原文，注释为英文。"
                     "使用 Python {python} 或更新版本，"
                     "按生成本章输出时的版本安装本章用到的包，然后运行其中任一脚本：",
        "home_provenance": "本页的输出由 {versions} 生成。其代码最近一次检查所用的设备：{devices}。",
        "device_cpu": "CPU",
        "device_gpu": "{name}（{date}）",
        "and": "、",
        "list": "、",
        "stale_output_title": "输出早于其代码",
        "stale_output_text": "上面的代码在生成这段输出之后有改动：请运行 `python -m coursekit refresh`，"
                             "以显示它现在的输出。",
        "stale_title": "译文落后于英文版",
        "stale_text": "本节的英文原文在翻译之后有改动。[阅读英文原文]({url})。",
    },
}


def phrase(language: str, key: str, **values) -> str:
    return STRINGS[language][key].format(**values)
