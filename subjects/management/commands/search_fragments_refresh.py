import time

from django.core.management.base import BaseCommand

from subjects.fragments import search_fragments_refresh


class Command(BaseCommand):
    help = "重建高频名称片段的检索结果（每晚自动运行；导入大量主体后可手动运行）。"

    def handle(self, *args, **options):
        started = time.monotonic()
        stored = search_fragments_refresh()
        self.stdout.write(f"已存储 {stored} 个高频名称片段，用时 {time.monotonic() - started:.1f} 秒")
